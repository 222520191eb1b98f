// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/labels/labelpace.h"

#include "core/domain/types.h"
#include "core/storage/annotationstore.h"
#include "ui/labelformpanel.h"
#include "ui/labelqueue.h"
#include "ui/projectview.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <array>
#include <deque>
#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThreadPool;
class QTimer;
class QToolButton;
class QUndoStack;

namespace hyper {

class LabelTexts;

/**
 * The "Label" tab (docs/GUI.md, "Label tab"): an annotator's session over the train
 * instances routed to humans (AnnotationStore's balanced queue with overlap k). The
 * prompt on top, the two responses side by side (or stacked) with synchronized
 * proportional scrolling, word and character counts and a word-diff toggle; the form
 * (overall and three aspects on the shown 5-point scale, reasons, rationale, confidence)
 * in the frame the annotator sees: left is B when AnnotationStore::showSwapped says so,
 * and the label is mapped back to the A/B frame with shown_order "BA" when saved.
 *
 * Keyboard first (QShortcuts on this widget and its children; a text box keeps its keys):
 * 1-5 set the current row, Tab/Shift+Tab/Up/Down move between rows, Enter saves and
 * advances, S skips, F flags, R types the rationale (Esc leaves it), Ctrl+Z /
 * Ctrl+Shift+Z undo/redo through a QUndoStack whose commands change the database.
 *
 * Saving is one small transaction on the GUI thread (durable when the tab says "saved");
 * the next instances' texts are loaded in advance and the queue is loaded and refilled
 * on a worker thread (its own connection), so advancing only swaps texts.
 *
 * Ownership: owns its widgets, undo stack, controller and AnnotationStore; borrows the
 * ProjectStore. Thread affinity: the GUI thread.
 */
class LabelView : public ProjectView
{
    Q_OBJECT

public:
    /** The rows of the form the keys act on (LabelView::Overall, ...). */
    using Row = LabelFormPanel::Row;
    using enum LabelFormPanel::Row;
    /** The form as shown (left/right frame), kept by the undo commands. */
    using Form = LabelFormPanel::Form;

    /** Session counts for the progress bar. */
    using Counts = LabelQueue::Counts;

    explicit LabelView(QWidget *parent = nullptr);
    ~LabelView() override;

    QString title() const override;
    void setProject(ProjectStore *store) override;
    QList<QAction *> editActions() const override;

    /** Creates (or updates the kind of) the annotator and starts their session: loads the
     *  queue and shows its first instance. False (with a message) when it cannot. */
    bool startSession(const QString &annotator, const QString &kind);
    QString annotator() const { return m_annotator; }
    /** The instance shown (0: none). */
    qint64 currentInstanceId() const { return m_current ? m_current->id : 0; }
    /** Whether B is shown on the left for the current instance. */
    bool currentSwapped() const { return m_swapped; }
    Counts counts() const { return m_queue->counts(); }
    QUndoStack *undoStack() const { return m_undo; }
    /** Whether the queue is being (re)loaded on the worker. */
    bool isLoading() const { return m_queue->isLoading(); }

    /** Sets a row of the form (1..5, 0 clears) as a key or click would. */
    void setValue(int row, int value);
    int value(int row) const;
    void setCurrentRow(int row);
    int currentRow() const;
    Form form() const;

    /** Saves the label of the current instance (overall required) and shows the next
     *  one; false (with a message) when nothing was saved. When another program holds
     *  the project's write lock past the short busy timeout, the form stays as it is, the
     *  message says so and the save is retried from the event loop (isSaveRetrying())
     *  until it commits: "Saved" is shown only after the commit. */
    bool saveAndAdvance();
    /** Whether a save waits for another program's write to end (it retries by itself). */
    bool isSaveRetrying() const;
    /** Moves the current instance to the end of this session's queue. */
    void skip();
    /** Flags the current instance for review (undoable). */
    void flagCurrent();

    void setStacked(bool stacked);
    void setDiffShown(bool shown);

    /** Undo/redo (the QUndoStack commands): navigation and database changes. */
    void showSavedAgain(qint64 instanceId, const Form &form, qint64 timeBaseMs);
    void advanceAfterRedo(qint64 savedInstanceId, double secondsSpent);
    void reportError(const QString &message);
    AnnotationStore *annotations() const { return m_annot.get(); }
    ProjectStore *store() const { return m_store; }
    void countSaved(int delta);

Q_SIGNALS:
    /** After a label was committed (first save; redo restores do not emit). */
    void labelSaved(qint64 labelId);
    /** After a background (re)load of the queue was merged. */
    void queueLoaded();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    bool focusNextPrevChild(bool next) override;

private:
    void buildUi();
    void createShortcuts();
    void reloadAnnotators();
    void setAnnotatorItemText(int index);
    void clearSession(const QString &message);
    void reloadQueue();
    void onQueueMerged();
    std::optional<qint64> currentId() const;
    void showNext();
    void showInstance(qint64 id);
    void fillTexts();
    void clearForm();
    void updateProgress();
    void updateLmPanel();
    void activity();
    qint64 activeMs();

    ProjectStore *m_store = nullptr;
    std::unique_ptr<AnnotationStore> m_annot;
    QUndoStack *m_undo = nullptr;
    LabelQueue *m_queue = nullptr;    // the session's queue, its fetches and prefetched texts
    qint64 m_retryInstance = 0;       // the instance whose save is retried
    QTimer *m_saveRetryTimer = nullptr; // active while a busy save waits for its next try
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;

    // Session.
    QString m_annotator;
    QString m_kind;
    std::optional<Instance> m_current;
    bool m_swapped = false;
    labels::LabelPace m_pace;   // seconds per label behind the ETA
    bool m_pacePrior = false;   // the annotator's history was given to m_pace
    std::optional<qint64> m_lastSaved; // instance whose LM label may be shown

    // Time spent on the current instance: activity gaps, each capped at 5 minutes.
    QElapsedTimer m_clock;
    qint64 m_lastActivityMs = 0;
    qint64 m_activeMs = 0;

    // Widgets.
    QComboBox *m_annotatorCombo = nullptr;
    QPushButton *m_newAnnotator = nullptr;
    QSpinBox *m_overlap = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressLabel = nullptr;
    QToolButton *m_stackedButton = nullptr;
    QToolButton *m_diffButton = nullptr;
    QLabel *m_message = nullptr; // the texts pane's message line
    LabelTexts *m_texts = nullptr;
    LabelFormPanel *m_form = nullptr;
};

} // namespace hyper
