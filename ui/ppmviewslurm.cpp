// SPDX-License-Identifier: GPL-3.0-or-later
// The PPM tab's cluster half (docs/CLUSTER.md): "Write a Slurm Job…" writes the
// collection the controls describe as a job folder instead of training here, "Import
// Results…" adds the finished tasks of a folder to the collection.
#include "ui/ppmview.h"

#include "core/jobs/feedback.h"
#include "core/routing/collect.h"
#include "core/storage/projectstore.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace hyper {

void PpmView::slurmJobDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Write a Slurm Job"));
    auto *folder = new QLineEdit;
    folder->setObjectName(QStringLiteral("slurmFolder"));
    folder->setPlaceholderText(tr("An empty folder the cluster's nodes can read and write"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString dir = QFileDialog::getExistingDirectory(&dialog, tr("Job Folder"), folder->text());
        if (!dir.isEmpty())
            folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(folder, 1);
    folderRow->addWidget(browse);
    auto *partition = new QLineEdit;
    auto *gres = new QLineEdit;
    gres->setPlaceholderText(QStringLiteral("gpu:1"));
    auto *time = new QLineEdit;
    time->setPlaceholderText(QStringLiteral("HH:MM:SS"));
    auto *limit = new QSpinBox;
    limit->setRange(0, 100000);
    limit->setSpecialValueText(tr("no limit"));
    auto *cpus = new QSpinBox;
    cpus->setRange(1, 1024);
    auto *mem = new QLineEdit;
    mem->setPlaceholderText(QStringLiteral("16G"));
    auto *train = new QLineEdit(routing::findTrainCommand());
    train->setToolTip(tr("hyper-train's absolute path on the nodes (build it there with the ml-only preset)"));
    auto *form = new QFormLayout;
    auto *folderLabel = new QLabel(tr("&Folder:"));
    folderLabel->setBuddy(folder);
    form->addRow(folderLabel, folderRow);
    form->addRow(tr("&Partition:"), partition);
    form->addRow(tr("&GRES:"), gres);
    form->addRow(tr("&Time limit:"), time);
    form->addRow(tr("&Array limit:"), limit);
    form->addRow(tr("&CPUs per task:"), cpus);
    form->addRow(tr("&Memory:"), mem);
    form->addRow(tr("hyper-&train:"), train);
    auto *note = new QLabel(tr("%1 candidates, seed %2, %3 epochs: the candidates this project has not measured yet "
                               "become one array task each. Nothing trains here.")
                                .arg(m_candidates->value()).arg(m_seed->value()).arg(m_epochs->value()));
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Write Job"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted || folder->text().trimmed().isEmpty())
        return;
    routing::SlurmOptions o;
    o.dir = folder->text().trimmed();
    o.partition = partition->text().trimmed();
    o.gres = gres->text().trimmed();
    o.time = time->text().trimmed();
    o.mem = mem->text().trimmed();
    o.arrayLimit = limit->value();
    o.cpusPerTask = cpus->value();
    o.trainCommand = train->text().trimmed();
    writeSlurmJob(o);
}

void PpmView::writeSlurmJob(const routing::SlurmOptions &options)
{
    if (!m_store)
        return;
    routing::CollectParams params;
    params.candidates = m_candidates->value();
    params.seed = quint64(m_seed->value());
    params.metric = m_metric->currentData().toString();
    params.countMode = routing::parseCountMode(m_countMode->currentData().toString()).value_or(routing::CountMode::Default);
    params.rm.epochs = m_epochs->value();
    routing::SlurmOptions o = options;
    if (o.trainCommand.isEmpty())
        o.trainCommand = routing::findTrainCommand();
    const bool started = m_tasks->start(
        m_store->path(), tr("Slurm job"),
        [params, o](ProjectStore &store, Feedback &feedback) -> std::any {
            return routing::writeSlurmJob(store, params, o, feedback);
        },
        [this](std::any &any) {
            const auto job = std::any_cast<routing::SlurmJob>(any);
            showMessage(tr("Wrote %1 tasks into %2 (%3 MB). On the cluster run:  %4   then Import Results….")
                            .arg(job.tasks).arg(job.dir).arg(double(job.bytes) / 1e6, 0, 'f', 1).arg(job.sbatch),
                        !job.errors.isEmpty());
        });
    if (started) {
        setBusy(true);
        showMessage(tr("Writing the Slurm job…"), false);
    }
}

void PpmView::importSlurmResults(const QString &dir)
{
    if (!m_store)
        return;
    const bool started = m_tasks->start(
        m_store->path(), tr("Import results"),
        [dir](ProjectStore &store, Feedback &feedback) -> std::any {
            return routing::importSlurmResults(store, dir, feedback);
        },
        [this](std::any &any) {
            const auto r = std::any_cast<routing::SlurmImport>(any);
            const routing::SlurmStatus &s = r.status;
            QString text = tr("Imported %1 rows (%2 there before). Tasks: %3 done, %4 failed, %5 missing of %6.")
                               .arg(r.imported).arg(r.already).arg(s.done).arg(s.failed).arg(s.missing).arg(s.tasks);
            if (!s.problems.isEmpty())
                text += QLatin1Char('\n') + s.problems.mid(0, 5).join(QLatin1Char('\n'))
                        + (s.problems.size() > 5 ? tr("\n… and %1 more (hyper ppm collect --status)").arg(s.problems.size() - 5)
                                                 : QString());
            showMessage(text, s.failed > 0);
            reload();
            Q_EMIT projectDataChanged();
        });
    if (started) {
        setBusy(true);
        showMessage(tr("Importing the results of %1…").arg(dir), false);
    }
}

} // namespace hyper
