// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/preference.h"
#include "ui/projectview.h"

#include <optional>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace hyper {

class InstanceDetailView;
class TaskController;
struct ReviewItem;

/**
 * The "Review" tab (docs/ANNOTATION.md): the lead's adjudication queue. Instances that an
 * annotator flagged, or whose human labels disagree (a spread of at least S points on the
 * 5-point scale, or both A and B chosen after folding), not yet adjudicated first. The
 * selected instance shows with all its human and LM labels and its flags; the lead sets
 * the final label with one of five buttons (Alt+1..Alt+5), committed at once, and moves
 * on to the next open item. Resolution and export then take the final label for an
 * instance routed to humans.
 *
 * The queue is computed on a worker thread (TaskController); adjudications are small
 * writes on the GUI thread's store. Ownership: owns its widgets; borrows the store.
 * Thread affinity: the GUI thread.
 */
class ReviewView : public ProjectView
{
    Q_OBJECT

public:
    explicit ReviewView(QWidget *parent = nullptr);
    ~ReviewView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;

    /** Reloads the queue (on the worker). */
    void refresh();
    /** Sets the final label of the selected instance (-2..2) and selects the next open one. */
    void adjudicateSelected(int value);
    /** Removes the selected instance's final label. */
    void clearSelected();
    TaskController *controller() const { return m_tasks; }
    int rows() const;
    qint64 selectedInstance() const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    /** Hides the rows the "Show" choice leaves out; selects the anchor row, or the first
     *  shown one after it. */
    void applyShowFilter(int anchorRow);
    bool passesShowFilter(int row) const;
    /** Shows the selected row's new final label (none: cleared): its text, kind and sort
     *  key, hidden when the Show filter leaves it out; returns its row (a sorted list may
     *  move it). */
    int setSelectedFinal(std::optional<Preference> final);
    /** "N to review, M loaded · K shown", counted from the list. */
    void updateSummary();
    void fill(std::vector<ReviewItem> items);
    void showSelected();
    void message(const QString &text, bool error);

    ProjectStore *m_store = nullptr;
    TaskController *m_tasks = nullptr;
    bool m_stale = true;

    QLineEdit *m_lead = nullptr;
    QSpinBox *m_spread = nullptr;
    QCheckBox *m_showDone = nullptr;
    QComboBox *m_show = nullptr; // which loaded items the list shows: all, open, flagged, ...
    QCheckBox *m_routedOnly = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
    InstanceDetailView *m_detail = nullptr;
    QLabel *m_flags = nullptr;
    QLabel *m_final = nullptr;
    QLineEdit *m_note = nullptr;
    std::vector<QPushButton *> m_choices;
    QPushButton *m_clear = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace hyper
