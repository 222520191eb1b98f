// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labelview.h"

#include "core/labels/labelform.h"
#include "core/storage/projectstore.h"
#include "ui/labelformpanel.h"
#include "ui/labelqueue.h"
#include "ui/labeltexts.h"
#include "ui/settings.h"
#include "ui/viewhelpers.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <any>

namespace hyper {

namespace {

/** An instance as people know it: its id in the source file ("sample-train-000025"),
 *  else "instance 25" (the store id). */
QString shownName(const Instance &instance)
{
    return instance.externalId.isEmpty() ? LabelView::tr("instance %1").arg(instance.id) : instance.externalId;
}

constexpr int kSaveRetryMs = 250;  // between tries of a save that found the project busy
constexpr qint64 kPauseCapMs = 5 * 60 * 1000; // a longer gap between inputs counts as 5 min

QString shownText(int v)
{
    switch (v) {
    case 1: return LabelView::tr("Left clearly better");
    case 2: return LabelView::tr("Left slightly better");
    case 3: return LabelView::tr("Tie");
    case 4: return LabelView::tr("Right slightly better");
    case 5: return LabelView::tr("Right clearly better");
    default: return QString();
    }
}


/** The refill job's result. */

/** A saved label: the first redo is the save itself (done before the push); undo takes
 *  the row out of the database and shows the instance again with the form as it was;
 *  redo puts the same row (same id) back and moves on. */
class SaveCommand : public QUndoCommand
{
public:
    SaveCommand(LabelView *view, HumanLabel label, LabelView::Form form, const QString &instanceName)
        : QUndoCommand(LabelView::tr("Label of %1").arg(instanceName))
        , m_view(view)
        , m_label(std::move(label))
        , m_form(std::move(form))
    {
    }

    void undo() override
    {
        try {
            m_label = m_view->annotations()->takeHumanLabel(m_label.id);
        } catch (const std::exception &e) {
            m_view->reportError(QString::fromUtf8(e.what()));
            return;
        }
        m_view->countSaved(-1);
        m_view->showSavedAgain(m_label.instanceId, m_form,
                               qint64(m_label.timeSpentSeconds.value_or(0) * 1000.0));
    }

    void redo() override
    {
        if (m_first) {
            m_first = false;
            return;
        }
        try {
            m_view->annotations()->restoreHumanLabel(m_label);
        } catch (const std::exception &e) {
            m_view->reportError(QString::fromUtf8(e.what()));
            return;
        }
        m_view->countSaved(1);
        m_view->advanceAfterRedo(m_label.instanceId, m_label.timeSpentSeconds.value_or(0.0));
    }

private:
    LabelView *m_view;
    HumanLabel m_label;
    LabelView::Form m_form;
    bool m_first = true;
};

/** A flag for review: undo removes it, redo flags again. */
class FlagCommand : public QUndoCommand
{
public:
    FlagCommand(LabelView *view, qint64 instanceId, QString annotator, qint64 flagId, const QString &instanceName)
        : QUndoCommand(LabelView::tr("Flag on %1").arg(instanceName))
        , m_view(view)
        , m_instance(instanceId)
        , m_annotator(std::move(annotator))
        , m_flag(flagId)
    {
    }

    void undo() override
    {
        try {
            m_view->annotations()->unflag(m_flag);
        } catch (const std::exception &e) {
            m_view->reportError(QString::fromUtf8(e.what()));
        }
    }

    void redo() override
    {
        if (m_first) {
            m_first = false;
            return;
        }
        try {
            m_flag = m_view->annotations()->flag(m_instance, m_annotator, QString());
        } catch (const std::exception &e) {
            m_view->reportError(QString::fromUtf8(e.what()));
        }
    }

private:
    LabelView *m_view;
    qint64 m_instance;
    QString m_annotator;
    qint64 m_flag;
    bool m_first = true;
};

} // namespace

LabelView::LabelView(QWidget *parent)
    : ProjectView(parent)
    , m_undo(new QUndoStack(this))
    , m_queue(new LabelQueue(this))
{
    connect(m_queue, &LabelQueue::merged, this, &LabelView::onQueueMerged);
    connect(m_queue, &LabelQueue::failed, this, &LabelView::reportError);
    m_saveRetryTimer = new QTimer(this);
    m_saveRetryTimer->setSingleShot(true);
    m_saveRetryTimer->setInterval(kSaveRetryMs);
    connect(m_saveRetryTimer, &QTimer::timeout, this, [this] {
        if (m_current && m_current->id == m_retryInstance) // not when the instance changed meanwhile
            saveAndAdvance();
    });
    m_clock.start();
    setFocusPolicy(Qt::StrongFocus);
    buildUi();
    createShortcuts();
    qApp->installEventFilter(this);
    clearSession(tr("No project open."));
}

LabelView::~LabelView()
{
    qApp->removeEventFilter(this);
    m_queue->stop();  // a fetch still on its way is dropped
    m_undo->clear();  // commands point at this view
}

QString LabelView::title() const
{
    return tr("Label");
}

QList<QAction *> LabelView::editActions() const
{
    return {m_undoAction, m_redoAction};
}

void LabelView::buildUi()
{
    // Top bar: session and progress.
    m_annotatorCombo = new QComboBox;
    m_annotatorCombo->setObjectName(QStringLiteral("annotatorCombo"));
    m_annotatorCombo->setAccessibleName(tr("Annotator"));
    m_annotatorCombo->setMinimumContentsLength(26);
    m_annotatorCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_annotatorCombo->setFocusPolicy(Qt::ClickFocus);
    connect(m_annotatorCombo, &QComboBox::activated, this, [this](int index) {
        const QString name = m_annotatorCombo->itemData(index).toString();
        if (!name.isEmpty() && name != m_annotator)
            startSession(name, m_annotatorCombo->itemData(index, Qt::UserRole + 1).toString());
        setFocus();
    });
    m_newAnnotator = new QPushButton(tr("New Annotator…"));
    m_newAnnotator->setObjectName(QStringLiteral("newAnnotatorButton"));
    m_newAnnotator->setAccessibleName(tr("New annotator"));
    m_newAnnotator->setFocusPolicy(Qt::NoFocus);
    connect(m_newAnnotator, &QPushButton::clicked, this, [this] {
        QDialog dialog(this);
        dialog.setWindowTitle(tr("New Annotator"));
        auto *name = new QLineEdit;
        auto *kind = new QComboBox;
        kind->addItem(tr("normal"), QStringLiteral("normal"));
        kind->addItem(tr("expert"), QStringLiteral("expert"));
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        auto *form = new QFormLayout(&dialog);
        form->addRow(tr("Name:"), name);
        form->addRow(tr("Kind:"), kind);
        form->addRow(buttons);
        buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
        connect(name, &QLineEdit::textChanged, &dialog, [name, buttons] {
            buttons->button(QDialogButtonBox::Ok)->setEnabled(!name->text().trimmed().isEmpty());
        });
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        if (dialog.exec() == QDialog::Accepted)
            startSession(name->text().trimmed(), kind->currentData().toString());
        setFocus();
    });
    m_overlap = new QSpinBox;
    m_overlap->setObjectName(QStringLiteral("overlapSpin"));
    m_overlap->setAccessibleName(tr("Overlap: human labels wanted per instance"));
    m_overlap->setRange(1, 20);
    m_overlap->setToolTip(tr("k: human labels wanted per instance; an instance leaves the queues once it has k"));
    m_overlap->setFocusPolicy(Qt::ClickFocus);
    connect(m_overlap, &QSpinBox::valueChanged, this, [this](int k) {
        if (!m_annot)
            return;
        try {
            m_annot->setOverlap(k);
        } catch (const std::exception &e) {
            reportError(QString::fromUtf8(e.what()));
            return;
        }
        if (!m_annotator.isEmpty())
            reloadQueue();
    });
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("queueProgress"));
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(12);
    m_progress->setMinimumWidth(160);
    m_progressLabel = new QLabel;
    m_progressLabel->setObjectName(QStringLiteral("progressLabel"));
    m_stackedButton = new QToolButton;
    m_stackedButton->setObjectName(QStringLiteral("stackedButton"));
    m_stackedButton->setText(tr("Stacked"));
    m_stackedButton->setCheckable(true);
    m_stackedButton->setAccessibleName(tr("Stacked responses"));
    m_stackedButton->setFocusPolicy(Qt::NoFocus);
    m_stackedButton->setToolTip(tr("Show the responses one above the other"));
    connect(m_stackedButton, &QToolButton::toggled, this, [this](bool on) {
        setStacked(on);
        settings::labelStacked.setValue(on);
    });
    m_diffButton = new QToolButton;
    m_diffButton->setObjectName(QStringLiteral("diffButton"));
    m_diffButton->setText(tr("Word Diff"));
    m_diffButton->setCheckable(true);
    m_diffButton->setAccessibleName(tr("Word diff"));
    m_diffButton->setFocusPolicy(Qt::NoFocus);
    m_diffButton->setToolTip(tr("Highlight the words only one response has (shows the raw text)"));
    connect(m_diffButton, &QToolButton::toggled, this, &LabelView::setDiffShown);

    // Toggles look pressed when on (the plain style's checked tool button hardly shows).
    for (QToolButton *toggle : {m_stackedButton, m_diffButton})
        toggle->setStyleSheet(QStringLiteral(
            "QToolButton { padding: 2px 8px; border: 1px solid #b9bec7; border-radius: 4px; background: #fbfbfc; }"
            "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text);"
            " border-color: palette(highlight); }"));
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Annotator:")));
    top->addWidget(m_annotatorCombo);
    top->addWidget(m_newAnnotator);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Overlap k:")));
    top->addWidget(m_overlap);
    top->addSpacing(12);
    top->addWidget(m_progress, 1);
    top->addWidget(m_progressLabel);
    top->addSpacing(12);
    top->addWidget(m_stackedButton);
    top->addWidget(m_diffButton);

    // The texts on the left, the form on the right.
    m_texts = new LabelTexts;
    m_message = m_texts->messageLabel();

    // Under the texts, where there is room: the form keeps its height for the controls.
    auto *keys = new QLabel(tr("<b>1–5</b> set the marked row · <b>Tab</b> / <b>↑↓</b> rows · <b>←→</b> reasons, "
                               "<b>Space</b> tick · <b>Enter</b> save and next · <b>S</b> skip · <b>F</b> flag · "
                               "<b>R</b> rationale · <b>Ctrl+Z</b> undo · <b>Ctrl+Shift+Z</b> redo"));
    keys->setObjectName(QStringLiteral("keysHint"));
    keys->setWordWrap(true);
    keys->setForegroundRole(QPalette::PlaceholderText);

    m_form = new LabelFormPanel;
    connect(m_form, &LabelFormPanel::saveClicked, this, [this] { saveAndAdvance(); });
    connect(m_form, &LabelFormPanel::skipClicked, this, &LabelView::skip);
    connect(m_form, &LabelFormPanel::flagClicked, this, &LabelView::flagCurrent);

    auto *textsColumn = new QWidget;
    auto *tc = new QVBoxLayout(textsColumn);
    tc->setContentsMargins(0, 0, 0, 0);
    tc->setSpacing(2);
    tc->addWidget(m_texts, 1);
    tc->addWidget(keys);
    auto *body = new QSplitter(Qt::Horizontal);
    body->setChildrenCollapsible(false);
    body->addWidget(textsColumn);
    body->addWidget(m_form);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 0);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(body, 1);

    // Undo/redo: MainWindow lists these in its Edit menu; their shortcuts work while the
    // focus is in this tab (a text box keeps Ctrl+Z for its own text).
    m_undoAction = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Z)});
    m_redoAction = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    for (QAction *a : {m_undoAction, m_redoAction}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
    }

    const bool stacked = settings::labelStacked.value();
    m_stackedButton->setChecked(stacked);
    setStacked(stacked);
}

void LabelView::createShortcuts()
{
    auto add = [this](const QKeySequence &key, auto &&slot) {
        auto *s = new QShortcut(key, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        s->setAutoRepeat(false);
        connect(s, &QShortcut::activated, this, slot);
    };
    for (int v = 1; v <= 5; ++v) {
        add(QKeySequence(QKeyCombination(Qt::Key(Qt::Key_0 + v))), [this, v] { setValue(currentRow(), v); });
        add(QKeySequence(QKeyCombination(Qt::KeypadModifier, Qt::Key(Qt::Key_0 + v))), [this, v] { setValue(currentRow(), v); });
    }
    add(QKeySequence(Qt::Key_Down), [this] { setFocus(); setCurrentRow((currentRow() + 1) % RowCount); });
    add(QKeySequence(Qt::Key_Up), [this] { setFocus(); setCurrentRow((currentRow() + RowCount - 1) % RowCount); });
    // The reasons of the marked row: ← and → move among them, Space ticks (the checkbox's own key).
    add(QKeySequence(Qt::Key_Right), [this] { m_form->moveReasonFocus(1); });
    add(QKeySequence(Qt::Key_Left), [this] { m_form->moveReasonFocus(-1); });
    add(QKeySequence(Qt::Key_Return), [this] { saveAndAdvance(); });
    add(QKeySequence(Qt::KeypadModifier | Qt::Key_Enter), [this] { saveAndAdvance(); });
    add(QKeySequence(Qt::CTRL | Qt::Key_Return), [this] { saveAndAdvance(); });
    add(QKeySequence(Qt::Key_S), [this] { skip(); });
    add(QKeySequence(Qt::Key_F), [this] { flagCurrent(); });
    add(QKeySequence(Qt::Key_R), [this] { m_form->rationale()->setFocus(); });
    add(QKeySequence(Qt::Key_Escape), [this] { setFocus(); });
}

bool LabelView::focusNextPrevChild(bool next)
{
    // Tab / Shift+Tab move between the rows of the form; from a text box or a combo
    // they come back to the form.
    QWidget *focus = QApplication::focusWidget();
    if (focus && focus != this && isAncestorOf(focus)
        && (focus == m_form->rationale() || focus == m_annotatorCombo || m_overlap->isAncestorOf(focus) || focus == m_overlap)) {
        setFocus(Qt::TabFocusReason);
        return true;
    }
    if (m_form->reasonHasFocus())
        setFocus(Qt::TabFocusReason); // from a reason, Tab moves on to the next row
    setCurrentRow(next ? (currentRow() + 1) % RowCount : (currentRow() + RowCount - 1) % RowCount);
    return true;
}

bool LabelView::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::Wheel:
        if (m_current && isVisible())
            activity();
        break;
    default:
        break;
    }
    return ProjectView::eventFilter(watched, event);
}

void LabelView::activity()
{
    const qint64 now = m_clock.elapsed();
    m_activeMs += std::min(now - m_lastActivityMs, kPauseCapMs);
    m_lastActivityMs = now;
}

qint64 LabelView::activeMs()
{
    activity();
    return m_activeMs;
}

void LabelView::setProject(ProjectStore *store)
{
    if (store && store == m_store && m_annot) {
        // The same project with changed data (e.g. a new routing plan): reload the
        // queue, keep the session and the instance shown.
        reloadAnnotators();
        if (!m_annotator.isEmpty())
            reloadQueue();
        return;
    }
    m_queue->setProject(store); // results of the previous project's fetch are dropped
    m_undo->clear();
    m_store = store;
    m_annot = store ? std::make_unique<AnnotationStore>(*store) : nullptr;
    m_annotator.clear();
    clearSession(store ? tr("Pick an annotator, or create one, to start labelling.") : tr("No project open."));
    reloadAnnotators();
    if (!m_annot)
        return;
    {
        const QSignalBlocker block(m_overlap);
        try {
            m_overlap->setValue(m_annot->overlap());
        } catch (const std::exception &e) {
            reportError(QString::fromUtf8(e.what()));
        }
    }
    const QString last = settings::lastAnnotator.value();
    for (int i = 0; i < m_annotatorCombo->count(); ++i)
        if (!last.isEmpty() && m_annotatorCombo->itemData(i).toString() == last) {
            startSession(last, m_annotatorCombo->itemData(i, Qt::UserRole + 1).toString());
            break;
        }
}

void LabelView::reloadAnnotators()
{
    const QSignalBlocker block(m_annotatorCombo);
    m_annotatorCombo->clear();
    m_annotatorCombo->setPlaceholderText(tr("Choose…"));
    if (!m_annot)
        return;
    try {
        for (const AnnotatorInfo &a : m_annot->annotators()) {
            // Annotators that came with imported data are not session candidates: their
            // labels do not count toward the overlap (docs/ANNOTATION.md).
            if (a.origin != QLatin1String("workbench"))
                continue;
            m_annotatorCombo->addItem(QString(), a.name);
            m_annotatorCombo->setItemData(m_annotatorCombo->count() - 1, a.kind, Qt::UserRole + 1);
            m_annotatorCombo->setItemData(m_annotatorCombo->count() - 1, a.labels, Qt::UserRole + 2);
            setAnnotatorItemText(m_annotatorCombo->count() - 1);
        }
    } catch (const std::exception &e) {
        reportError(QString::fromUtf8(e.what()));
    }
    m_annotatorCombo->setCurrentIndex(m_annotatorCombo->findData(m_annotator));
}

void LabelView::setAnnotatorItemText(int index)
{
    const qint64 labels = m_annotatorCombo->itemData(index, Qt::UserRole + 2).toLongLong();
    m_annotatorCombo->setItemText(index, (labels == 1 ? tr("%1 · %2 · %3 label") : tr("%1 · %2 · %3 labels"))
                                             .arg(m_annotatorCombo->itemData(index).toString(),
                                                  m_annotatorCombo->itemData(index, Qt::UserRole + 1).toString(),
                                                  QLocale().toString(labels)));
}

void LabelView::clearSession(const QString &message)
{
    m_queue->clear();
    m_current.reset();
    m_lastSaved.reset();
    m_pace = labels::LabelPace();
    m_pacePrior = false;
    clearForm();
    fillTexts();
    updateLmPanel();
    updateProgress();
    view::setMessage(m_message, message, false);
    const bool enabled = m_annot != nullptr;
    m_newAnnotator->setEnabled(enabled);
    m_annotatorCombo->setEnabled(enabled);
    m_overlap->setEnabled(enabled);
}

bool LabelView::startSession(const QString &annotator, const QString &kind)
{
    if (!m_annot || annotator.trimmed().isEmpty())
        return false;
    try {
        m_annot->ensureAnnotator(annotator, kind.isEmpty() ? QStringLiteral("normal") : kind);
    } catch (const std::exception &e) {
        reportError(QString::fromUtf8(e.what()));
        return false;
    }
    m_undo->clear();
    clearSession(tr("Loading the queue of %1…").arg(annotator));
    m_annotator = annotator;
    m_queue->setAnnotator(annotator);
    m_kind = kind.isEmpty() ? QStringLiteral("normal") : kind;
    settings::lastAnnotator.setValue(annotator);
    reloadAnnotators();
    reloadQueue();
    setFocus();
    return true;
}

void LabelView::reloadQueue()
{
    m_queue->reload(currentId());
}

void LabelView::onQueueMerged()
{
    if (!m_pacePrior && m_pace.labels() == 0) { // the annotator's pace before this session
        const double prior = m_queue->counts().secondsPerLabel;
        m_pace = labels::LabelPace(prior >= 0.05 ? std::optional<double>(prior) : std::nullopt);
        m_pacePrior = true;
    }
    updateProgress();
    if (!m_current) {
        if (m_message->text().startsWith(tr("Loading")))
            view::setMessage(m_message, QString(), false);
        showNext();
    }
    Q_EMIT queueLoaded();
}

std::optional<qint64> LabelView::currentId() const
{
    return m_current ? std::optional<qint64>(m_current->id) : std::nullopt;
}

void LabelView::showNext()
{
    if (!m_annot || m_annotator.isEmpty())
        return;
    if (m_queue->isWaiting()) {
        // The refill did not keep up (only a very fast annotator gets here): wait for it.
        m_queue->refill(currentId());
        m_current.reset();
        clearForm();
        fillTexts();
        view::setMessage(m_message, tr("Loading the next instances…"), false);
        return;
    }
    while (const std::optional<qint64> id = m_queue->takeNext(currentId())) {
        showInstance(*id);
        if (m_current)
            return;
    }
    m_current.reset();
    clearForm();
    fillTexts();
    updateLmPanel();
    view::setMessage(m_message,
                     tr("Nothing left to label for %1: every train instance routed to humans has %2 label(s) or one by %1.")
                         .arg(m_annotator)
                         .arg(m_overlap->value()),
                     false);
}

void LabelView::showInstance(qint64 id)
{
    m_current = m_queue->take(id);
    if (!m_current)
        return;
    // A reason of the previous instance may hold the keyboard focus (← →): the keys go
    // back to the tab, so that Space cannot tick a reason nobody looked at.
    if (m_form->reasonHasFocus())
        setFocus();
    m_swapped = AnnotationStore::showSwapped(m_annotator, id);
    clearForm();
    setCurrentRow(Overall);
    fillTexts();
    updateLmPanel();
    updateProgress();
    m_activeMs = 0;
    m_lastActivityMs = m_clock.elapsed();
    // Texts of the next instances and the queue beyond them, after this event.
    QTimer::singleShot(0, this, [this] { m_queue->prefetchAndTopUp(currentId()); });
}

void LabelView::setDiffShown(bool shown)
{
    if (m_diffButton->isChecked() != shown)
        m_diffButton->setChecked(shown);
    m_texts->setDiffShown(shown);
}

void LabelView::setStacked(bool stacked)
{
    if (m_stackedButton->isChecked() != stacked)
        m_stackedButton->setChecked(stacked);
    m_texts->setStacked(stacked);
}

void LabelView::fillTexts()
{
    m_texts->showInstance(m_current ? &*m_current : nullptr, m_swapped);
}

void LabelView::clearForm()
{
    m_form->clear(m_current.has_value());
}

void LabelView::setValue(int row, int value)
{
    if (row < 0 || row >= RowCount || !m_current)
        return;
    m_form->setValue(row, value);
}

int LabelView::value(int row) const
{
    return m_form->value(row);
}

void LabelView::setCurrentRow(int row)
{
    m_form->setCurrentRow(row);
}

int LabelView::currentRow() const
{
    return m_form->currentRow();
}

LabelView::Form LabelView::form() const
{
    return m_form->form();
}

bool LabelView::isSaveRetrying() const { return m_saveRetryTimer->isActive(); }

bool LabelView::saveAndAdvance()
{
    if (!m_current || !m_annot)
        return false;
    const Form f = m_form->form();
    const int overall = f.values[Overall];
    if (overall == 0) {
        setCurrentRow(Overall);
        view::setMessage(m_message, tr("Choose the overall preference first (1–5)."), true);
        return false;
    }
    HumanLabel label;
    label.instanceId = m_current->id;
    label.annotator = m_annotator;
    label.annotatorKind = m_kind;
    label.overall = *labels::preferenceFromShown(overall, m_swapped);
    for (int a = 0; a < 3; ++a) {
        const QString key = QString::fromLatin1(kAspects[a]);
        if (const int v = f.values[std::size_t(Helpfulness + a)]; v > 0)
            label.aspects.insert(key, *labels::preferenceFromShown(v, m_swapped));
        if (const QStringList &r = f.reasons[std::size_t(a)]; !r.isEmpty())
            label.reasons.insert(key, r);
    }
    label.rationale = f.rationale.trimmed();
    if (const int c = f.values[Confidence]; c > 0)
        label.confidence = double(c);
    label.timeSpentSeconds = double(activeMs()) / 1000.0;
    label.shownOrder = labels::shownOrder(m_swapped);
    try {
        label.id = m_store->addHumanLabel(label); // commits before it returns
    } catch (const StoreBusy &) {
        // Another program (or a job of ours) writes: keep the form, say so, try again.
        m_retryInstance = m_current->id;
        view::setMessage(m_message, tr("Another program is writing this project; retrying the save…"), true);
        m_saveRetryTimer->start(); // one pending retry, however often the user presses Enter
        return false;
    } catch (const std::exception &e) {
        m_saveRetryTimer->stop();
        reportError(QString::fromUtf8(e.what()));
        return false;
    }
    m_saveRetryTimer->stop(); // saved by hand while a retry waited
    m_pace.add(*label.timeSpentSeconds);
    m_lastSaved = label.instanceId;
    const qint64 id = label.id;
    m_undo->push(new SaveCommand(this, std::move(label), f, shownName(*m_current)));
    countSaved(1);
    view::setMessage(m_message, tr("Saved: %1, %2.").arg(shownName(*m_current), shownText(overall)), false);
    Q_EMIT labelSaved(id);
    if (m_form->rationale()->hasFocus())
        setFocus();
    showNext();
    return true;
}

void LabelView::skip()
{
    if (!m_current)
        return;
    const qint64 id = m_current->id;
    const bool alone = m_queue->skip(id);
    view::setMessage(m_message, tr("Skipped %1: it comes back at the end of this session.").arg(shownName(*m_current)),
                     false);
    if (alone)
        return; // nothing else to show
    m_current.reset();
    showNext();
}

void LabelView::flagCurrent()
{
    if (!m_current || !m_annot)
        return;
    qint64 flagId = 0;
    try {
        flagId = m_annot->flag(m_current->id, m_annotator, QString());
    } catch (const std::exception &e) {
        reportError(QString::fromUtf8(e.what()));
        return;
    }
    m_undo->push(new FlagCommand(this, m_current->id, m_annotator, flagId, shownName(*m_current)));
    view::setMessage(m_message, tr("Flagged %1 for review.").arg(shownName(*m_current)), false);
}

void LabelView::showSavedAgain(qint64 instanceId, const Form &form, qint64 timeBaseMs)
{
    if (m_current && m_current->id != instanceId)
        m_queue->putBack(*m_current);
    m_queue->remove(instanceId);
    m_queue->markSeen(instanceId);
    m_pace.removeLast();
    if (m_lastSaved == instanceId)
        m_lastSaved.reset();
    showInstance(instanceId);
    if (!m_current)
        return;
    m_form->setForm(form);
    m_activeMs = timeBaseMs;
    view::setMessage(m_message, tr("Undone: the label of instance %1 was removed; edit it and save again.").arg(instanceId),
                     false);
}

void LabelView::advanceAfterRedo(qint64 savedInstanceId, double secondsSpent)
{
    m_pace.add(secondsSpent); // as the first save did (undo took it back)
    m_queue->remove(savedInstanceId);
    m_lastSaved = savedInstanceId;
    view::setMessage(m_message, tr("Redone: the label of instance %1 is back.").arg(savedInstanceId), false);
    if (m_current && m_current->id == savedInstanceId) {
        m_current.reset();
        showNext();
    } else {
        updateLmPanel();
    }
}

void LabelView::countSaved(int delta)
{
    // The annotator's label count in the combo follows saves, undos and redos.
    if (const int i = m_annotatorCombo->findData(m_annotator); i >= 0) {
        m_annotatorCombo->setItemData(i, m_annotatorCombo->itemData(i, Qt::UserRole + 2).toLongLong() + delta,
                                      Qt::UserRole + 2);
        setAnnotatorItemText(i);
    }
    m_queue->countSaved(delta);
    updateProgress();
}

void LabelView::reportError(const QString &message)
{
    view::setMessage(m_message, message, true);
    Q_EMIT statusMessage(message);
}

void LabelView::updateProgress()
{
    const Counts &c = m_queue->counts();
    const qint64 total = c.done + c.remaining;
    m_progress->setRange(0, int(std::max<qint64>(total, 1)));
    m_progress->setValue(int(c.done));
    if (m_annotator.isEmpty()) {
        m_progressLabel->clear();
        return;
    }
    const std::optional<double> spl = m_pace.shown();
    QString eta;
    if (c.remaining == 0)
        eta = tr("queue done");
    else if (!spl)
        eta = tr("ETA after %1 labels").arg(labels::LabelPace::kMinLabels);
    else {
        // Coarser the further away: "about 2 h 40 min", "about 35 min", "4 min", "50 s".
        const double secs = *spl * double(c.remaining);
        QString left;
        if (secs >= 3600) {
            const qint64 tens = qint64(std::llround(secs / 600.0)); // tens of minutes
            left = tr("about %1 h %2 min").arg(tens / 6).arg((tens % 6) * 10);
        } else if (secs >= 600)
            left = tr("about %1 min").arg(qint64(std::llround(secs / 300.0)) * 5);
        else if (secs >= 60)
            left = tr("%1 min").arg(qint64(std::llround(secs / 60.0)));
        else
            left = tr("%1 s").arg(qint64(std::llround(secs)));
        eta = tr("ETA %1 (%2 s/label)").arg(left).arg(*spl, 0, 'f', *spl < 10 ? 1 : 0);
    }
    const QLocale locale;
    m_progressLabel->setText(tr("%1 done · %2 remaining · %3")
                                 .arg(locale.toString(c.done), locale.toString(c.remaining), eta));
    m_progressLabel->setToolTip(tr("%1 of %2 routed instances have %3 label(s)")
                                    .arg(locale.toString(c.complete), locale.toString(c.routed))
                                    .arg(m_overlap->value()));
}

void LabelView::updateLmPanel()
{
    const bool whileLabelling = settings::showLmLabelWhileLabelling.value();
    std::optional<qint64> id;
    QString heading;
    if (whileLabelling && m_current) {
        id = m_current->id;
        heading = tr("<b>LM label</b> (shown while labelling)");
    } else if (m_lastSaved) {
        id = *m_lastSaved;
        heading = tr("<b>LM label</b> of the last saved instance (%1)").arg(*m_lastSaved);
    }
    if (!id || !m_store) {
        m_form->lmPanel()->setText(tr("<b>LM label</b>: hidden until you save your label."));
        return;
    }
    std::vector<LmLabel> lm;
    try {
        lm = m_store->lmLabels(*id);
    } catch (const std::exception &e) {
        m_form->lmPanel()->setText(QString::fromUtf8(e.what()).toHtmlEscaped());
        return;
    }
    const bool swapped = AnnotationStore::showSwapped(m_annotator, *id);
    QStringList lines{heading};
    for (const LmLabel &l : lm)
        lines << QStringLiteral("%1: %2").arg(
            l.judge.toHtmlEscaped(),
            l.overall ? shownText(labels::shownFromPreference(*l.overall, swapped)) : tr("(no usable verdict)"));
    if (lm.empty())
        lines << tr("no LM label for this instance");
    m_form->lmPanel()->setText(lines.join(QStringLiteral("<br>")));
}

} // namespace hyper
