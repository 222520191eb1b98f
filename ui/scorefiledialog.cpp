// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/scorefiledialog.h"

#include "core/jobs/feedback.h"
#include "core/mlbridge/rmrun.h"
#include "core/mlbridge/rmscore.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace hyper {

ScoreFileDialog::ScoreFileDialog(const QString &projectPath, const QString &model, QWidget *parent)
    : JobDialog(QStringLiteral("hyper-score"), tr("Scoring is running: cancel it first."),
                tr("Canceled: no scores file was written."), parent)
    , m_projectPath(projectPath)
{
    setWindowTitle(tr("Score a file with a reward model"));
    const QString folder = QFileInfo(projectPath).absolutePath();
    auto row = [&](QLineEdit *&edit, const QString &name, const QString &placeholder, auto choose) {
        edit = new QLineEdit;
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        auto *browse = new QPushButton(tr("Choose…"));
        m_browse << browse;
        connect(browse, &QPushButton::clicked, this, choose);
        auto *layout = new QHBoxLayout;
        layout->addWidget(edit, 1);
        layout->addWidget(browse);
        return layout;
    };
    auto *form = new QFormLayout;
    form->addRow(tr("Model:"), row(m_model, QStringLiteral("modelEdit"), tr("a saved reward model (.safetensors)"), [this, folder] {
                     const QString f = QFileDialog::getOpenFileName(this, tr("Choose a reward model"), folder,
                                                                    tr("Reward models (*.safetensors);;All files (*)"));
                     if (!f.isEmpty())
                         setModelFile(f);
                 }));
    form->addRow(tr("Pairs:"), row(m_input, QStringLiteral("inputEdit"), tr("any file the importer reads (.jsonl, .json, .csv, .gz)"),
                                   [this, folder] {
                                       const QString f = QFileDialog::getOpenFileName(
                                           this, tr("Choose a pairs file"), folder,
                                           tr("Preference data (*.jsonl *.json *.csv *.gz);;All files (*)"));
                                       if (!f.isEmpty())
                                           setInputFile(f);
                                   }));
    form->addRow(tr("Scores:"), row(m_output, QStringLiteral("outputEdit"), tr("the JSONL file to write"), [this, folder] {
                     const QString f = QFileDialog::getSaveFileName(this, tr("Write the scores to"), folder,
                                                                    tr("JSON Lines (*.jsonl)"));
                     if (!f.isEmpty())
                         setOutputFile(f);
                 }));
    m_device = new QComboBox;
    m_device->setObjectName(QStringLiteral("deviceCombo"));
    for (const QString &d : trainingDevices())
        m_device->addItem(d, d);
    form->addRow(tr("Device:"), m_device);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    addJobControls(layout, QStringLiteral("scoreProgress"), tr("Score"));
    resize(640, sizeHint().height());
    setModelFile(model);
    setBusy(false);
}

void ScoreFileDialog::setModelFile(const QString &path)
{
    m_model->setText(path);
}

void ScoreFileDialog::setInputFile(const QString &path)
{
    m_input->setText(path);
    if (m_output->text().isEmpty() && !path.isEmpty()) {
        const QFileInfo in(path);
        QString stem = in.fileName();
        if (stem.endsWith(QLatin1String(".gz")))
            stem.chop(3);
        stem = stem.left(stem.lastIndexOf(QLatin1Char('.')) > 0 ? stem.lastIndexOf(QLatin1Char('.')) : stem.size());
        m_output->setText(in.dir().filePath(stem + QStringLiteral(".scores.jsonl")));
    }
}

void ScoreFileDialog::setOutputFile(const QString &path)
{
    m_output->setText(path);
}

void ScoreFileDialog::start()
{
    if (m_tasks->isRunning())
        return;
    ScoreFileParams params;
    params.model = m_model->text().trimmed();
    params.input.file = m_input->text().trimmed();
    params.out = m_output->text().trimmed();
    params.device = m_device->currentData().toString();
    if (params.model.isEmpty() || params.input.file.isEmpty() || params.out.isEmpty()) {
        setMessage(tr("Choose the model, the pairs file and where to write the scores."), true);
        return;
    }
    if (QFileInfo(params.out).absoluteFilePath() == QFileInfo(params.input.file).absoluteFilePath()) {
        setMessage(tr("The scores file would replace the pairs file: choose another name."), true);
        return;
    }
    m_progress->setValue(0);
    const bool started = m_tasks->start(
        m_projectPath, tr("Score a file"),
        [params](ProjectStore &, Feedback &feedback) -> std::any { return scoreFile(params, feedback); },
        [this, params](std::any &any) {
            const auto r = std::any_cast<ScoreFileResult>(any);
            m_progress->setValue(1000);
            setMessage(tr("Scored %1 pairs (format %2%3) into %4 in %5 s (scoring %6 pairs/s on %7).")
                           .arg(r.pairs)
                           .arg(r.format)
                           .arg(r.skipped ? tr(", %1 bad rows skipped").arg(r.skipped) : QString())
                           .arg(QFileInfo(params.out).fileName())
                           .arg(r.seconds, 0, 'f', 2)
                           .arg(r.pairsPerSecond, 0, 'f', 0)
                           .arg(r.device),
                       false);
        });
    if (started) {
        setBusy(true);
        setMessage(tr("Scoring…"), false);
    }
}

void ScoreFileDialog::setInputsEnabled(bool enabled)
{
    for (QWidget *w : {static_cast<QWidget *>(m_model), static_cast<QWidget *>(m_input), static_cast<QWidget *>(m_output),
                       static_cast<QWidget *>(m_device)})
        w->setEnabled(enabled);
    for (QPushButton *b : m_browse)
        b->setEnabled(enabled);
}

} // namespace hyper
