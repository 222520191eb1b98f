// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/storage/lmstore.h"

#include <QGroupBox>
#include <vector>

class QButtonGroup;
class QSpinBox;

namespace hyper {

/**
 * The "Instances" box of the dialogs that label in bulk (LM ▸ Run Judge/Tagger…, LM ▸
 * Judge with a reward model…): the instances selected on the Dataset tab, those routed
 * to the LM, those still missing a label, or every train instance, and a limit. Radio
 * buttons named scopeSelected / scopeRoutedLm / scopeUnlabelled / scopeAll, the limit
 * limitSpin.
 *
 * Ownership: a child widget of its dialog. Thread affinity: the GUI thread.
 */
class LmSelectionBox : public QGroupBox
{
    Q_OBJECT

public:
    /** unlabelledText: what "missing a label" means for this dialog. Starts on the
     *  selection when there is one, else on the unlabelled instances. */
    LmSelectionBox(std::vector<qint64> selectedIds, const QString &unlabelledText, QWidget *parent = nullptr);

    /** The chosen instances (ids for a selection) and the limit. */
    LmSelection selection() const;
    /** Checks kind's button unless it is disabled (no selection). */
    void setKind(LmSelection::Kind kind);
    void setLimit(int limit);
    /** For a running job: everything off; on again, the selection only when there is one. */
    void setInputsEnabled(bool enabled);

private:
    std::vector<qint64> m_selected;
    QButtonGroup *m_kind = nullptr;
    QSpinBox *m_limit = nullptr;
};

} // namespace hyper
