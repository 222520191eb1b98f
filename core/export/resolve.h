// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Which label each train instance of an export takes (docs/EXPORT.md, "Resolution").
#include "core/storage/exportqueries.h"

#include <QString>
#include <QtGlobal>
#include <optional>
#include <stdexcept>
#include <vector>

namespace hyper {
class ProjectStore;
}

namespace hyper::exporting {

/** A bad request (unknown plan or judge, conflicting output paths): exit 2 in the CLI.
 *  what() is fit for a user. */
struct ExportRequestError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ResolveParams {
    /** The human set is this plan's instances (plan_instances); none: the instances whose
     *  route column is 'human'. */
    std::optional<qint64> planId;
    /** Take LM labels from this judge only; empty: the folded majority of all judges. */
    QString judge;
    /** Annotators of kind "expert" count twice in the human majority. */
    bool expertWeight = false;
    /** Unrouted instances (route '', no plan given) take the human label when they have
     *  one; off: they take the LM label. */
    bool preferHuman = false;
};

enum class LabelSource { Human, Lm };
enum class DropReason { None, Tie, NoLabel };

/** The outcome for one instance. */
struct Resolution {
    DropReason dropped = DropReason::None;
    /** -2: A is better, 2: B is better (only when not dropped). */
    int label = 0;
    /** The source whose votes decided (or, for a dropped tie, tied). */
    LabelSource source = LabelSource::Lm;
    /** The instance was routed to humans (plan member, route 'human', or preferHuman on
     *  an unrouted one), whichever source it finally took. */
    bool routedHuman = false;
    /** Catalog indices (annotators for Human, judges for Lm) of the votes counted, in
     *  the order of their first vote, each once. */
    std::vector<int> who;
    /** The label is a lead's adjudication (source Human): it overrides the crowd. */
    bool adjudicated = false;
    std::string_view adjudicator; // the lead (a view into the ExportInstance)
    /** Folded, unweighted vote counts of the source used. */
    int votesA = 0, votesTie = 0, votesB = 0;
    /** Folded majorities of both sources (crowd humans unweighted; LM as chosen), for
     *  agreement figures: -2, 0 (tie) or 2; none without votes. */
    std::optional<int> humanMajority, lmMajority;
};

/**
 * The resolution rule, set up once per export. Thread affinity: none after construction
 * (resolve() reads only its own members).
 */
class Resolver
{
public:
    /** Checks the plan and judge against the project and loads the plan's instances.
     *  Throws ExportRequestError for an unknown plan or judge, StoreError on store failure. */
    Resolver(ProjectStore &store, const ExportCatalog &catalog, const ResolveParams &params);

    /** The label of one instance. */
    Resolution resolve(const ExportInstance &instance) const;

    const ResolveParams &params() const { return m_params; }
    /** Index of --judge in the catalog, or -1 (majority of all judges). */
    int judgeIndex() const { return m_judge; }
    /** The plan's instance count (0 without a plan). */
    qint64 planSize() const { return qint64(m_plan.size()); }

private:
    bool routedToHumans(const ExportInstance &instance) const;

    const ExportCatalog &m_catalog;
    ResolveParams m_params;
    int m_judge = -1;
    std::vector<qint64> m_plan; // ascending
};

/** Majority of folded votes: each vote counts `weight` (from weights, parallel to votes,
 *  or 1 when weights is null). -2 / 2 when one side has strictly more weight than each
 *  of the other two classes, else 0 (tie); none when there are no votes. */
std::optional<int> weightedFoldedMajority(const std::vector<int> &votes, const std::vector<int> *weights);

} // namespace hyper::exporting
