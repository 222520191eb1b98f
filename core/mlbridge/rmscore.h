// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: saved reward models at work (docs/TRAINING.md "Saved models"): a model's
// summary, scoring a project's split or a pairs file, and a model as a judge that fills
// LM labels. Synchronous: the CLI calls these on its main thread, the GUI on a worker
// thread that owns its own ProjectStore.
#include "core/domain/preference.h"
#include "core/domain/types.h"
#include "core/io/importer.h"
#include "core/ml/sections.h"
#include "core/storage/lmstore.h"

#include <QMap>
#include <QString>

namespace hyper {

class Feedback;
class ProjectStore;

/** What a model file says about itself (its header only; the weights are not read). */
struct RmModelSummary {
    QString path;
    QString model;          // bag | transformer
    QString mix;
    QString projectUuid;
    QString project;        // the project's file name when saved
    QString created;        // ISO 8601 UTC
    QString toolVersion;
    QString device;         // where it was trained
    double overall = 0;
    QMap<QString, double> sections;
    qint64 trainPairs = 0, evalPairs = 0;
    qint64 bytes = 0;
    qint64 runId = 0;       // 0 when not saved from a project run
    qint64 seed = 0;
};

/** Reads a model file's header. Throws ml::ModelFileError. */
RmModelSummary readModelSummary(const QString &path);

struct ScoreProjectResult {
    ml::SectionScores scores;
    qint64 pairs = 0;
    double seconds = 0;     // scoring (not reading or loading)
    QString device;
    bool sameProject = false;  // the model was trained on this project (its UUID)
};

/** Overall and sections of the model on the project's split, by the rule a training run
 *  evaluates with (gold label, else human majority; ties dropped). Throws
 *  ml::ModelFileError, ml::TrainError (no labelled pair), StoreError. */
ScoreProjectResult scoreProject(ProjectStore &store, const QString &modelPath, Split split,
                                const QString &device = QStringLiteral("auto"));

struct ScoreFileParams {
    QString model;
    ImportParams input;     // any file the importer reads (auto-detect, --map)
    QString out;            // JSONL: {"id", "score_a", "score_b"} per pair
    QString device = QStringLiteral("auto");
};

struct ScoreFileResult {
    qint64 pairs = 0, skipped = 0;
    double seconds = 0;           // loading the model + reading + scoring + writing
    double scoreSeconds = 0;      // tokenizing and the model's forward passes
    double pairsPerSecond = 0;    // pairs / scoreSeconds: the model's scoring rate
    QString device, format;
};

/** Scores every pair of the input file into `out` (written atomically: on any error the
 *  file is not created or replaced). Throws ImportError, ml::ModelFileError, StoreError
 *  (cannot write), Canceled. */
ScoreFileResult scoreFile(const ScoreFileParams &params, Feedback &feedback);

/** Where the score difference d = r(A) - r(B) cuts the 5-point scale (docs/TRAINING.md
 *  "A reward model as a judge"): |d| < tie is a tie, |d| < clear "slightly", else
 *  "clearly"; d > 0 prefers A. Under Bradley-Terry P(A better) = sigmoid(d): the default
 *  tie band is P in (0.45, 0.55), "clearly" starts at P = 0.80. */
struct RmJudgeCuts {
    double tie = 0.2;
    double clear = 1.386;   // ln 4: P = 0.80
    /** "TIE,CLEAR" with 0 <= TIE < CLEAR; throws std::invalid_argument. */
    static RmJudgeCuts parse(const QString &text);
};

Preference preferenceFromScores(double scoreA, double scoreB, const RmJudgeCuts &cuts);

struct RmJudgeParams {
    QString model;
    QString judgeName;      // empty: "rm:" + the file's stem
    RmJudgeCuts cuts;
    LmSelection selection;  // Unlabelled: no label by this judge yet
    QString device = QStringLiteral("auto");
};

struct RmJudgeResult {
    QString judge;
    qint64 selected = 0;    // instances selected
    qint64 labelled = 0;    // labels written
    qint64 already = 0;     // the same model and cuts had labelled them: skipped
    qint64 aBetter = 0, ties = 0, bBetter = 0;
    double seconds = 0;
};

/** The model labels the selected instances as a named judge: one LM label each, with the
 *  two scores in its rationale and raw reply; written in batches of 512, each one
 *  transaction (a cancel keeps what was written; a rerun skips it). Throws
 *  ml::ModelFileError, StoreError, Canceled. */
RmJudgeResult runModelJudge(ProjectStore &store, const RmJudgeParams &params, Feedback &feedback);

/** `hyper bench score`: one saved model of the kind on a fresh synthetic sample, scored
 *  on `pairs` eval pairs of it on the CPU. The bag is trained with its defaults on 2,000
 *  train instances; the transformer (defaults: 2^18 x 128 table, 256 tokens) for one
 *  step of 32 pairs only, since its scoring speed does not depend on how well it learnt
 *  and a CPU step takes ~10 s. The model and the pairs stay in `dir` (for a comparison
 *  run of scripts/score_rm.py). */
struct RmScoreBenchFigures {
    QString model;
    qint64 pairs = 0;
    qint64 fileBytes = 0;
    double trainSeconds = 0;
    double loadSeconds = 0;      // reading and checking the file, weights into the module
    double scoreSeconds = 0;     // tokenizing + forward passes of `pairs` pairs
    double pairsPerSecond = 0;
    QString modelPath, pairsPath; // in dir: the model, and the pairs as JSONL
};
RmScoreBenchFigures benchScoring(const QString &model, int pairs, const QString &dir);

} // namespace hyper
