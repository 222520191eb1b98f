// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/projectview.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace hyper {

/**
 * The Team tab: the annotator packs the lead handed out (docs/TEAM.md). Per annotator:
 * packs, instances assigned, returned, still out, labelled, last merge; per pack: status
 * and file. Export Packs… and Merge Packs… open the PacksDialog; Reissue… gives the
 * instances of a pack that is still out to another annotator.
 *
 * Thread affinity: the GUI thread; reads through the GUI thread's store (small tables).
 */
class TeamView : public ProjectView
{
    Q_OBJECT

public:
    explicit TeamView(QWidget *parent = nullptr);

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Rereads the packs (after a merge or an export). */
    void reload();
    /** Reissues the selected pack to `to`, writing the new pack into `folder`; false with
     *  a message when it cannot. */
    bool reissueSelected(const QString &to, const QString &folder);

private:
    void openPacksDialog(int page);
    void updateButtons();

    ProjectStore *m_store = nullptr;
    QTableWidget *m_team;
    QTableWidget *m_packs;
    QLabel *m_summary;
    QLabel *m_message;
    QPushButton *m_export;
    QPushButton *m_merge;
    QPushButton *m_reissue;
};

} // namespace hyper
