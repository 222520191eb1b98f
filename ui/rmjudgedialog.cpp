// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/rmjudgedialog.h"

#include "core/jobs/feedback.h"
#include "core/ml/modelfile.h"
#include "core/mlbridge/rmscore.h"
#include "core/storage/projectstore.h"
#include "ui/lmselectionbox.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace hyper {

RmJudgeDialog::~RmJudgeDialog()
{
    m_model->disconnect(this);
}

RmJudgeDialog::RmJudgeDialog(ProjectStore &store, std::vector<qint64> selectedIds, QWidget *parent)
    : JobDialog(QStringLiteral("hyper-rm-judge"), tr("A job is running: cancel it first (what it wrote stays)."),
                tr("Canceled: the batches written before the cancel are kept; Start again labels the rest."), parent)
    , m_store(store)
{
    setWindowTitle(tr("Judge with a reward model"));
    m_model = new QLineEdit;
    m_model->setObjectName(QStringLiteral("modelEdit"));
    m_model->setPlaceholderText(tr("a model saved by Training ▸ Save model… or hyper train-rm --model-out"));
    connect(m_model, &QLineEdit::editingFinished, this, &RmJudgeDialog::showSummary);
    m_browse = new QPushButton(tr("Choose…"));
    m_browse->setObjectName(QStringLiteral("browseButton"));
    connect(m_browse, &QPushButton::clicked, this, &RmJudgeDialog::chooseModel);
    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(m_browse);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_judgeName = new QLineEdit;
    m_judgeName->setObjectName(QStringLiteral("judgeNameEdit"));
    m_judgeName->setPlaceholderText(tr("rm:FILE-NAME"));
    m_judgeName->setToolTip(tr("The judge the labels are stored under (Calibration and Agreement tabs)"));

    const RmJudgeCuts defaults;
    m_tie = new QDoubleSpinBox;
    m_tie->setObjectName(QStringLiteral("tieSpin"));
    m_tie->setRange(0.0, 20.0);
    m_tie->setDecimals(3);
    m_tie->setSingleStep(0.05);
    m_tie->setValue(defaults.tie);
    m_clear = new QDoubleSpinBox;
    m_clear->setObjectName(QStringLiteral("clearSpin"));
    m_clear->setRange(0.001, 50.0);
    m_clear->setDecimals(3);
    m_clear->setSingleStep(0.1);
    m_clear->setValue(defaults.clear);
    auto *cutsRow = new QHBoxLayout;
    cutsRow->addWidget(new QLabel(tr("tie below")));
    cutsRow->addWidget(m_tie);
    cutsRow->addWidget(new QLabel(tr("“clearly” from")));
    cutsRow->addWidget(m_clear);
    cutsRow->addStretch(1);
    auto *cutsNote = new QLabel(tr("On d = score A − score B: |d| below the tie cut is a tie, below the second cut "
                                   "“slightly”, else “clearly”. Defaults: P(A better) = σ(d) within 0.45–0.55 is a tie; "
                                   "from 0.80 it is “clearly”."));
    cutsNote->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Model:"), modelRow);
    form->addRow(QString(), m_summary);
    form->addRow(tr("Judge name:"), m_judgeName);
    form->addRow(tr("Cut points:"), cutsRow);
    form->addRow(QString(), cutsNote);

    m_selection = new LmSelectionBox(std::move(selectedIds), tr("Train instances without a label by this judge"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_selection);
    addJobControls(layout, QStringLiteral("jobProgress"), tr("Start"));
    resize(640, sizeHint().height());
    setBusy(false);
    setMessage(tr("Choose a saved reward model."), false);
}

void RmJudgeDialog::setModelFile(const QString &path)
{
    m_model->setText(path);
    showSummary();
}

void RmJudgeDialog::setJudgeName(const QString &name)
{
    m_judgeName->setText(name);
}

void RmJudgeDialog::setLimit(int limit)
{
    m_selection->setLimit(limit);
}

void RmJudgeDialog::setCuts(double tie, double clear)
{
    m_tie->setValue(tie);
    m_clear->setValue(clear);
}

void RmJudgeDialog::chooseModel()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Choose a reward model"), QFileInfo(m_store.path()).absolutePath(),
                                                      tr("Reward models (*.safetensors);;All files (*)"));
    if (!file.isEmpty())
        setModelFile(file);
}

void RmJudgeDialog::showSummary()
{
    const QString path = m_model->text().trimmed();
    if (path.isEmpty()) {
        m_summary->clear();
        return;
    }
    try {
        const RmModelSummary s = readModelSummary(path);
        QString text = tr("%1 model · mix %2 · Overall %3 on %4 eval pairs · trained %5 on %6")
                           .arg(s.model, s.mix.isEmpty() ? tr("?") : s.mix)
                           .arg(s.overall, 0, 'f', 3)
                           .arg(s.evalPairs)
                           .arg(s.created, s.device);
        if (!s.projectUuid.isEmpty() && s.projectUuid != m_store.meta("project_uuid"))
            text += QLatin1Char('\n') + tr("Trained on another project (%1).").arg(s.project);
        m_summary->setText(text);
        if (m_judgeName->text().trimmed().isEmpty())
            m_judgeName->setPlaceholderText(QStringLiteral("rm:") + QFileInfo(path).completeBaseName());
        setMessage(tr("Ready."), false);
    } catch (const ml::ModelFileError &e) {
        m_summary->clear();
        setMessage(QString::fromUtf8(e.what()), true);
    }
}

void RmJudgeDialog::start()
{
    if (m_tasks->isRunning())
        return;
    RmJudgeParams params;
    params.model = m_model->text().trimmed();
    if (params.model.isEmpty()) {
        setMessage(tr("Choose a saved reward model first."), true);
        return;
    }
    params.judgeName = m_judgeName->text().trimmed();
    params.cuts.tie = m_tie->value();
    params.cuts.clear = m_clear->value();
    if (!(params.cuts.clear > params.cuts.tie)) {
        setMessage(tr("The “clearly” cut must be larger than the tie cut."), true);
        return;
    }
    params.selection = m_selection->selection();
    m_progress->setValue(0);
    const bool started = m_tasks->start(
        m_store.path(), tr("Judge with a reward model"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any { return runModelJudge(store, params, feedback); },
        [this](std::any &any) {
            const auto r = std::any_cast<RmJudgeResult>(any);
            m_progress->setValue(1000);
            if (r.selected == 0)
                setMessage(tr("Nothing to do: no instance in this selection."), false);
            else
                setMessage(tr("Finished: %1 labels by %2 (A better %3 · tie %4 · B better %5); %6 labelled before by the "
                              "same model and cuts; %7 s.")
                               .arg(r.labelled)
                               .arg(r.judge)
                               .arg(r.aBetter)
                               .arg(r.ties)
                               .arg(r.bBetter)
                               .arg(r.already)
                               .arg(r.seconds, 0, 'f', 1),
                           false);
        });
    if (started) {
        setBusy(true);
        setMessage(tr("Loading the model…"), false);
    }
}

void RmJudgeDialog::setInputsEnabled(bool enabled)
{
    for (QWidget *w : {static_cast<QWidget *>(m_model), static_cast<QWidget *>(m_browse), static_cast<QWidget *>(m_judgeName),
                       static_cast<QWidget *>(m_tie), static_cast<QWidget *>(m_clear)})
        w->setEnabled(enabled);
    m_selection->setInputsEnabled(enabled);
}

} // namespace hyper
