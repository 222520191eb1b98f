// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lmjobdialog.h"

#include "ui/lmselectionbox.h"

#include "core/jobs/feedback.h"
#include "core/lm/judge.h"
#include "core/lm/lmjob.h"
#include "core/storage/lmstore.h"
#include "core/storage/projectstore.h"
#include "ui/lmendpointsdialog.h"
#include "ui/lmselectionbox.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hyper {

namespace {

QString countsText(const lm::JobProgress &p)
{
    const QLocale c = QLocale::c();
    return LmJobDialog::tr("done %1 · cached %2 · failed %3 · remaining %4 of %5 · %6 requests · tokens %7 in, %8 out "
                           "· cost ≈ %9 · %10 s")
        .arg(p.done)
        .arg(p.skipped > 0 ? LmJobDialog::tr("%1 · skipped %2").arg(p.cached).arg(p.skipped) : QString::number(p.cached))
        .arg(p.failed)
        .arg(p.remaining)
        .arg(p.total)
        .arg(p.requests)
        .arg(c.toString(p.tokensIn), c.toString(p.tokensOut), QString::number(p.cost, 'f', 4))
        .arg(p.seconds, 0, 'f', 1);
}

} // namespace

LmJobDialog::LmJobDialog(Kind kind, ProjectStore &store, std::vector<qint64> selectedIds, QWidget *parent)
    : QDialog(parent)
    , m_kind(kind)
    , m_store(store)
    , m_tasks(new TaskController(QStringLiteral("hyper-lm-job"), this))
    , m_paused(std::make_shared<std::atomic<bool>>(false))
{
    const bool judge = kind == Kind::Judge;
    setWindowTitle(judge ? tr("LM Judge") : tr("LM Tagger"));

    m_endpoint = new QComboBox;
    m_endpoint->setObjectName(QStringLiteral("endpointCombo"));
    m_endpoint->setMinimumContentsLength(24);
    m_editEndpoints = new QPushButton(tr("Endpoints…"));
    m_editEndpoints->setObjectName(QStringLiteral("endpointsButton"));
    connect(m_editEndpoints, &QPushButton::clicked, this, [this] {
        LmEndpointsDialog dialog(m_store, this);
        dialog.exec();
        reloadEndpoints();
    });
    auto *endpointRow = new QHBoxLayout;
    endpointRow->addWidget(m_endpoint, 1);
    endpointRow->addWidget(m_editEndpoints);
    m_keyNote = new QLabel;
    m_keyNote->setObjectName(QStringLiteral("keyNoteLabel"));
    m_keyNote->setWordWrap(true);
    connect(m_endpoint, &QComboBox::currentIndexChanged, this, &LmJobDialog::updateKeyNote);

    auto *form = new QFormLayout;
    form->addRow(tr("Endpoint:"), endpointRow);
    form->addRow(QString(), m_keyNote);
    if (judge) {
        m_judgeName = new QLineEdit;
        m_judgeName->setObjectName(QStringLiteral("judgeNameEdit"));
        m_judgeName->setPlaceholderText(tr("the endpoint's model"));
        m_judgeName->setToolTip(tr("The judge the labels are stored under (Calibration and Agreement tabs)"));
        form->addRow(tr("Judge name:"), m_judgeName);
        m_template = new QComboBox;
        m_template->setObjectName(QStringLiteral("templateCombo"));
        m_template->addItem(tr("Built-in (%1)").arg(lm::defaultJudgeTemplate().id()), QString());
        m_templateFile = new QPushButton(tr("File…"));
        m_templateFile->setObjectName(QStringLiteral("templateFileButton"));
        connect(m_templateFile, &QPushButton::clicked, this, &LmJobDialog::chooseTemplateFile);
        auto *templateRow = new QHBoxLayout;
        templateRow->addWidget(m_template, 1);
        templateRow->addWidget(m_templateFile);
        form->addRow(tr("Template:"), templateRow);
        m_bothOrders = new QCheckBox(tr("Ask in both orders (A/B and B/A; position consistency)"));
        m_bothOrders->setObjectName(QStringLiteral("bothOrdersCheck"));
        form->addRow(QString(), m_bothOrders);
    } else {
        m_overwrite = new QCheckBox(tr("Ask again for tags the instance already has"));
        m_overwrite->setObjectName(QStringLiteral("overwriteCheck"));
        form->addRow(QString(), m_overwrite);
    }

    m_selection = new LmSelectionBox(std::move(selectedIds),
                                     judge ? tr("Train instances without a label by this judge") : tr("Train instances missing a tag"));

    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("jobProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_counts = new QLabel;
    m_counts->setObjectName(QStringLiteral("countsLabel"));
    m_counts->setWordWrap(true);
    m_counts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_start = new QPushButton(tr("Start"));
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setDefault(true);
    m_pause = new QPushButton(tr("Pause"));
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_close = new QPushButton(tr("Close"));
    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_pause, &QPushButton::clicked, this, [this] { setPaused(!isPaused()); });
    connect(m_cancel, &QPushButton::clicked, this, &LmJobDialog::cancel);
    connect(m_close, &QPushButton::clicked, this, &LmJobDialog::reject);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    buttons->addWidget(m_close);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_selection);
    layout->addWidget(m_progress);
    layout->addWidget(m_counts);
    layout->addWidget(m_message);
    m_failuresTitle = new QLabel;
    m_failuresTitle->setObjectName(QStringLiteral("failuresTitle"));
    m_failures = view::makeTable(QStringLiteral("failuresTable"), {tr("Time"), tr("Instance"), tr("Model"), tr("Error")});
    m_failures->setToolTip(tr("Items whose reply could not be used; they are never stored as labels. "
                              "Hover a row for the raw reply; Start again asks them again."));
    layout->addWidget(m_failuresTitle);
    m_failures->setMinimumHeight(130);
    layout->addWidget(m_failures, 1);
    layout->addStretch(1);
    layout->addLayout(buttons);

    connect(m_tasks, &TaskController::progress, this, [this](double fraction, const QString &text) {
        m_progress->setValue(int(fraction * 1000.0 + 0.5));
        if (!text.isEmpty())
            m_counts->setText(text);
    });
    connect(m_tasks, &TaskController::failed, this,
            [this](const QString &message) { setMessage(tr("The job failed: %1").arg(message), true); });
    connect(m_tasks, &TaskController::canceled, this, [this] {
        setMessage(tr("Canceled before it began; nothing was asked."), false);
    });
    connect(m_tasks, &TaskController::ended, this, [this] {
        setBusy(false);
        showFailures();
        Q_EMIT jobEnded();
    });

    reloadEndpoints();
    showFailures();
    setBusy(false);
    resize(680, 660);
}

LmJobDialog::~LmJobDialog()
{
    // Closed while a job ran: cancel it, wait for it (what ended stays committed), and
    // tell the window, which reloads.
    const bool running = m_tasks->isRunning();
    m_tasks->disconnect(this);
    delete m_tasks; // cancels and waits
    m_tasks = nullptr;
    if (running)
        Q_EMIT jobEnded();
}

void LmJobDialog::showFailures()
{
    std::vector<LmFailure> failures;
    qint64 total = 0;
    try {
        const LmStore ls(m_store);
        const QString kind = m_kind == Kind::Judge ? QStringLiteral("judge") : QStringLiteral("tag");
        failures = ls.failures(kind, 50);
        total = ls.failureCount(kind);
    } catch (const std::exception &e) {
        setMessage(tr("Could not read the failed items: %1").arg(QString::fromUtf8(e.what())), true);
    }
    m_failures->setRowCount(int(failures.size()));
    for (int r = 0; r < int(failures.size()); ++r) {
        const LmFailure &f = failures[std::size_t(r)];
        m_failures->setItem(r, 0, view::tableCell(view::localTime(f.createdAt.toString(Qt::ISODateWithMs), QStringLiteral("MM-dd hh:mm:ss"))));
        m_failures->setItem(r, 1, view::tableCell(f.instanceId ? QString::number(*f.instanceId) : QString()));
        m_failures->setItem(r, 2, view::tableCell(f.model));
        QTableWidgetItem *error = view::tableCell(f.error);
        error->setToolTip(f.raw.isEmpty() ? tr("(no reply)") : f.raw.left(2000));
        m_failures->setItem(r, 3, error);
    }
    m_failures->resizeColumnsToContents();
    m_failuresTitle->setText(total > qint64(failures.size())
                                 ? tr("Failed items: %1 (the newest %2 shown)").arg(total).arg(failures.size())
                                 : tr("Failed items: %1").arg(total));
    m_failuresTitle->setVisible(total > 0);
    m_failures->setVisible(total > 0);
}

int LmJobDialog::failureRows() const
{
    return m_failures->isHidden() ? 0 : m_failures->rowCount();
}

void LmJobDialog::reloadEndpoints()
{
    const QString current = m_endpoint->currentText();
    QSignalBlocker block(m_endpoint);
    m_endpoint->clear();
    try {
        for (const SavedEndpoint &e : LmStore(m_store).endpoints())
            m_endpoint->addItem(QStringLiteral("%1 (%2)").arg(e.name, e.model), e.name);
    } catch (const std::exception &e) {
        setMessage(tr("Cannot read the endpoints: %1").arg(QString::fromUtf8(e.what())), true);
    }
    const int again = m_endpoint->findText(current);
    if (again >= 0)
        m_endpoint->setCurrentIndex(again);
    updateKeyNote();
    if (!m_tasks->isRunning())
        m_start->setEnabled(m_endpoint->count() > 0);
}

void LmJobDialog::updateKeyNote()
{
    if (m_endpoint->count() == 0) {
        view::setMessage(m_keyNote, tr("No saved endpoint: add one with Endpoints…"), true);
        return;
    }
    try {
        const std::optional<SavedEndpoint> e = LmStore(m_store).endpoint(m_endpoint->currentData().toString());
        if (!e)
            return;
        if (e->keyEnv.isEmpty())
            view::setMessage(m_keyNote, tr("%1 · no API key").arg(e->baseUrl), false);
        else if (!qEnvironmentVariableIsEmpty(e->keyEnv.toLocal8Bit().constData()))
            view::setMessage(m_keyNote, tr("%1 · key from $%2 (set)").arg(e->baseUrl, e->keyEnv), false);
        else
            view::setMessage(m_keyNote,
                             tr("%1 · $%2 is not set (the keychain is asked at start)").arg(e->baseUrl, e->keyEnv),
                             true);
    } catch (const std::exception &ex) {
        view::setMessage(m_keyNote, QString::fromUtf8(ex.what()), true);
    }
}

void LmJobDialog::chooseTemplateFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Judge template"), QString(),
                                                      tr("Templates (*.txt *.tmpl);;All files (*)"));
    if (path.isEmpty())
        return;
    try {
        const lm::JudgeTemplate t = lm::loadJudgeTemplate(path);
        m_template->addItem(QStringLiteral("%1 (%2)").arg(t.id(), path), path);
        m_template->setCurrentIndex(m_template->count() - 1);
        setMessage(QString(), false);
    } catch (const std::exception &e) {
        setMessage(QString::fromUtf8(e.what()), true);
    }
}

void LmJobDialog::setLimit(int limit)
{
    m_selection->setLimit(limit);
}

void LmJobDialog::setBothOrders(bool both)
{
    if (m_bothOrders)
        m_bothOrders->setChecked(both);
}

bool LmJobDialog::setEndpoint(const QString &name)
{
    const int i = m_endpoint->findData(name);
    if (i >= 0)
        m_endpoint->setCurrentIndex(i);
    return i >= 0;
}

void LmJobDialog::setJudgeName(const QString &name)
{
    if (m_judgeName)
        m_judgeName->setText(name);
}

QString LmJobDialog::message() const
{
    return m_message->text();
}

QString LmJobDialog::progressText() const
{
    return m_counts->text();
}

void LmJobDialog::setMessage(const QString &text, bool error)
{
    view::setMessage(m_message, text, error);
}

void LmJobDialog::setBusy(bool busy)
{
    m_start->setEnabled(!busy && m_endpoint->count() > 0);
    m_pause->setEnabled(busy);
    m_cancel->setEnabled(busy);
    m_endpoint->setEnabled(!busy);
    for (QWidget *w : std::initializer_list<QWidget *>{m_editEndpoints, m_judgeName, m_template, m_templateFile,
                                                        m_bothOrders, m_overwrite})
        if (w)
            w->setEnabled(!busy);
    m_selection->setInputsEnabled(!busy);
    if (!busy) {
        m_paused->store(false);
        m_pause->setText(tr("Pause"));
    }
}

bool LmJobDialog::isPaused() const
{
    return m_paused->load();
}

void LmJobDialog::setPaused(bool paused)
{
    if (!m_tasks->isRunning())
        return;
    m_paused->store(paused);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    setMessage(paused ? tr("Paused: no new request is sent; those in flight finish.") : tr("Running…"), false);
}

void LmJobDialog::cancel()
{
    if (!m_tasks->isRunning())
        return;
    m_paused->store(false);
    m_tasks->cancel();
    setMessage(tr("Canceling: aborting the requests in flight…"), false);
}

void LmJobDialog::reject()
{
    // Closing cancels a running job; what was stored stays (TaskController waits for it).
    m_tasks->cancel();
    QDialog::reject();
}

bool LmJobDialog::start()
{
    if (m_tasks->isRunning())
        return false;
    if (m_endpoint->count() == 0) {
        setMessage(tr("No saved endpoint: add one with Endpoints…"), true);
        return false;
    }
    std::optional<SavedEndpoint> saved;
    try {
        saved = LmStore(m_store).endpoint(m_endpoint->currentData().toString());
    } catch (const std::exception &e) {
        setMessage(QString::fromUtf8(e.what()), true);
        return false;
    }
    if (!saved) {
        setMessage(tr("The endpoint %1 was removed.").arg(m_endpoint->currentData().toString()), true);
        return false;
    }
    const lm::EndpointConfig endpoint = lm::endpointFromSaved(*saved);

    const LmSelection selection = m_selection->selection();

    const bool judge = m_kind == Kind::Judge;
    lm::JudgeJobConfig judgeConfig;
    lm::TagJobConfig tagConfig;
    QString templatePath;
    if (judge) {
        judgeConfig.endpoint = endpoint;
        judgeConfig.judgeName = m_judgeName->text().trimmed();
        judgeConfig.bothOrders = m_bothOrders->isChecked();
        templatePath = m_template->currentData().toString();
    } else {
        tagConfig.endpoint = endpoint;
        tagConfig.overwrite = m_overwrite->isChecked();
    }

    auto paused = m_paused;
    paused->store(false);
    const bool started = m_tasks->start(
        m_store.path(), judge ? tr("Judge") : tr("Tag"),
        [judge, judgeConfig, tagConfig, templatePath, selection, paused](ProjectStore &store,
                                                                         Feedback &feedback) mutable -> std::any {
            auto report = [&feedback](const lm::JobProgress &p) {
                const qint64 ended = p.total - p.remaining;
                feedback.setProgress(p.total > 0 ? double(ended) / double(p.total) : 0.0, countsText(p));
            };
            if (judge) {
                if (!templatePath.isEmpty())
                    judgeConfig.tmpl = lm::loadJudgeTemplate(templatePath);
                return lm::runJudgeJob(store, judgeConfig, selection, feedback, paused.get(), report);
            }
            return lm::runTagJob(store, tagConfig, selection, feedback, paused.get(), report);
        },
        [this, judge](std::any &any) {
            const auto r = std::any_cast<lm::JobResult>(any);
            const lm::JobProgress &p = r.progress;
            m_counts->setText(countsText(p));
            m_progress->setValue(p.total > 0 ? int(1000.0 * double(p.total - p.remaining) / double(p.total) + 0.5) : 1000);
            QString text;
            if (r.canceled)
                text = tr("Canceled: %1 stored before the cancel are kept; Start again resumes with the rest.")
                           .arg(p.done);
            else if (p.total == 0)
                text = tr("Nothing to do: no instance in this selection needs it.");
            else
                text = judge ? tr("Finished: %1 labels stored, %2 resolved without asking (already labelled or cached), "
                                      "%3 failed.")
                                   .arg(p.done)
                                   .arg(p.cached)
                                   .arg(p.failed)
                             : tr("Finished: %1 instances tagged, %2 from the cache, %3 with nothing to ask, %4 failed.")
                                   .arg(p.done)
                                   .arg(p.cached)
                                   .arg(p.skipped)
                                   .arg(p.failed);
            if (p.failed > 0)
                text += QLatin1Char(' ') + tr("The failed items are listed below with their errors; Start again asks them again.");
            if (r.featuresStale)
                text += QLatin1Char(' ') + tr("Tags changed: recompute the features (Features tab) to use them.");
            setMessage(text, p.failed > 0 && !r.canceled);
        });
    if (!started)
        return false;
    setBusy(true);
    m_progress->setValue(0);
    m_counts->clear();
    setMessage(tr("Running…"), false);
    return true;
}

} // namespace hyper
