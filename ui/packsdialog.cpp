// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/packsdialog.h"

#include "core/jobs/feedback.h"
#include "core/storage/packstore.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QRegularExpression>
#include <QVBoxLayout>
#include <algorithm>

namespace hyper {

namespace {

QStringList namesIn(const QString &text)
{
    QStringList out;
    for (QString n : text.split(QRegularExpression(QStringLiteral("[,\\n]")), Qt::SkipEmptyParts)) {
        n = n.trimmed();
        if (!n.isEmpty() && !out.contains(n))
            out << n;
    }
    return out;
}

enum MergeColumn { ColFile, ColAnnotator, ColLabels, ColNew, ColAlready, ColStatus, MergeColumns };

} // namespace

PacksDialog::PacksDialog(ProjectStore &store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_tasks(new TaskController(QStringLiteral("packs"), this))
{
    setWindowTitle(tr("Annotator Packs"));
    m_pages = new QTabWidget;
    m_pages->addTab(buildExportPage(), tr("Export"));
    m_pages->addTab(buildMergePage(), tr("Merge"));
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("packsMessage"));
    m_message->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    connect(m_tasks, &TaskController::progress, this, [this](double f) { m_progress->setValue(int(f * 1000)); });
    connect(m_tasks, &TaskController::failed, this, [this](const QString &m) { view::setMessage(m_message, m, true); });
    connect(m_tasks, &TaskController::canceled, this,
            [this] { view::setMessage(m_message, tr("Canceled; nothing was written."), false); });
    connect(m_tasks, &TaskController::ended, this, [this] {
        setBusy(false);
        updatePreview();
        Q_EMIT jobEnded();
    });
    resize(760, 560);
    updatePreview();
}

PacksDialog::~PacksDialog() = default;

QWidget *PacksDialog::buildExportPage()
{
    auto *page = new QWidget;
    m_names = new QPlainTextEdit;
    m_names->setObjectName(QStringLiteral("packAnnotators"));
    m_names->setPlaceholderText(tr("One annotator per line (or comma-separated)"));
    m_names->setTabChangesFocus(true);
    m_names->setMaximumHeight(110);
    m_kind = new QComboBox;
    m_kind->addItems({QStringLiteral("normal"), QStringLiteral("expert")});
    m_overlap = new QSpinBox;
    m_overlap->setObjectName(QStringLiteral("packOverlap"));
    m_overlap->setRange(1, 100);
    m_overlap->setToolTip(tr("k: labels wanted per instance, each from a different annotator"));
    m_limit = new QSpinBox;
    m_limit->setRange(0, 1'000'000'000);
    m_limit->setSpecialValueText(tr("no limit"));
    m_limit->setToolTip(tr("At most this many instances per annotator"));
    m_folder = new QLineEdit;
    m_folder->setObjectName(QStringLiteral("packFolder"));
    m_folder->setPlaceholderText(tr("Folder for the pack files"));
    auto *browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the Packs"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(dir);
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("&Annotators:"), m_names);
    form->addRow(tr("&Kind:"), m_kind);
    form->addRow(tr("&Overlap k:"), m_overlap);
    form->addRow(tr("&Limit per annotator:"), m_limit);
    auto *folderLabel = new QLabel(tr("&Folder:"));
    folderLabel->setBuddy(m_folder);
    form->addRow(folderLabel, folderRow);
    m_preview = view::makeTable(QStringLiteral("packPreview"), {tr("Annotator"), tr("Instances"), tr("File")});
    m_previewNote = new QLabel;
    m_previewNote->setObjectName(QStringLiteral("packPreviewNote"));
    m_previewNote->setWordWrap(true);
    m_export = new QPushButton(tr("&Export Packs"));
    m_export->setObjectName(QStringLiteral("packExportButton"));
    connect(m_export, &QPushButton::clicked, this, [this] { startExport(); });
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addWidget(m_previewNote);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_export, 0, Qt::AlignRight);
    // The preview follows the form (the assignment is a scan of the routed set).
    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(250);
    connect(debounce, &QTimer::timeout, this, &PacksDialog::updatePreview);
    connect(m_names, &QPlainTextEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(m_overlap, &QSpinBox::valueChanged, debounce, qOverload<>(&QTimer::start));
    connect(m_limit, &QSpinBox::valueChanged, debounce, qOverload<>(&QTimer::start));
    connect(m_folder, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    return page;
}

QWidget *PacksDialog::buildMergePage()
{
    auto *page = new QWidget;
    m_packs = view::makeTable(QStringLiteral("packMergeList"),
                              {tr("File"), tr("Annotator"), tr("Labels"), tr("New"), tr("Already merged"), tr("Status")});
    auto *add = new QPushButton(tr("&Add Packs…"));
    connect(add, &QPushButton::clicked, this, [this] {
        addPacks(QFileDialog::getOpenFileNames(this, tr("Returned Packs"), QString(),
                                               tr("Annotator packs (*.hyperpack);;All files (*)")));
    });
    m_merge = new QPushButton(tr("&Merge"));
    m_merge->setObjectName(QStringLiteral("packMergeButton"));
    m_merge->setEnabled(false);
    connect(m_merge, &QPushButton::clicked, this, [this] { startMerge(); });
    auto *note = new QLabel(tr("Each pack merges all or nothing; merging a pack again adds only what is new. "
                               "A pack of another project, a damaged pack or an annotator of another kind is refused."));
    note->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addStretch(1);
    buttons->addWidget(m_merge);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(note);
    layout->addWidget(m_packs, 1);
    layout->addLayout(buttons);
    return page;
}

void PacksDialog::showPage(Page page) { m_pages->setCurrentIndex(int(page)); }

void PacksDialog::setExportForm(const QStringList &annotators, int overlap, const QString &folder, int limit)
{
    m_names->setPlainText(annotators.join(QLatin1Char('\n')));
    m_overlap->setValue(overlap);
    m_limit->setValue(limit);
    m_folder->setText(folder);
    updatePreview();
}

void PacksDialog::updatePreview()
{
    const QStringList names = namesIn(m_names->toPlainText());
    m_preview->setRowCount(0);
    m_export->setEnabled(false);
    if (names.isEmpty()) {
        m_previewNote->setText(tr("Name the annotators to see who gets how many instances."));
        return;
    }
    PackExportParams params;
    params.annotators = names;
    params.overlap = m_overlap->value();
    params.limit = m_limit->value();
    qint64 eligible = 0, unassigned = 0;
    std::vector<PackAssignment> plan;
    try {
        plan = packs::plan(m_store, params, &eligible, &unassigned);
    } catch (const std::exception &e) {
        m_previewNote->setText(QString::fromUtf8(e.what()));
        return;
    }
    const QLocale locale;
    m_preview->setRowCount(int(plan.size()));
    qint64 total = 0;
    for (int r = 0; r < int(plan.size()); ++r) {
        const PackAssignment &a = plan[std::size_t(r)];
        total += qint64(a.instances.size());
        m_preview->setItem(r, 0, view::tableCell(a.annotator));
        m_preview->setItem(r, 1, view::tableCell(locale.toString(qint64(a.instances.size()))));
        m_preview->setItem(r, 2, view::tableCell(a.instances.empty() ? tr("(no pack)") : packs::fileNameFor(a.annotator)));
    }
    m_preview->resizeColumnsToContents();
    QString note = tr("%1 routed instances still need labels and are not out in a pack; each goes to %2 of the %3 "
                      "annotators (%4 instance-assignments).")
                       .arg(locale.toString(eligible))
                       .arg(m_overlap->value())
                       .arg(names.size())
                       .arg(locale.toString(total));
    if (unassigned > 0)
        note += QLatin1Char(' ') + tr("%1 of them get fewer than k annotators (limit or names already labelled).")
                                       .arg(locale.toString(unassigned));
    m_previewNote->setText(note);
    m_export->setEnabled(total > 0 && !m_folder->text().trimmed().isEmpty() && !m_tasks->isRunning());
}

bool PacksDialog::startExport()
{
    PackExportParams params;
    params.annotators = namesIn(m_names->toPlainText());
    params.kind = m_kind->currentText();
    params.overlap = m_overlap->value();
    params.limit = m_limit->value();
    params.outDir = m_folder->text().trimmed();
    if (params.annotators.isEmpty() || params.outDir.isEmpty()) {
        view::setMessage(m_message, tr("Name the annotators and the folder first."), true);
        return false;
    }
    const bool started = m_tasks->start(
        m_store.path(), tr("Pack export"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any { return packs::exportPacks(store, params, feedback); },
        [this](std::any &any) {
            const auto r = std::any_cast<PackExportResult>(any);
            QStringList lines;
            for (const PackFileInfo &f : r.packs)
                lines << tr("%1: %2 instances").arg(f.annotator).arg(f.instances);
            view::setMessage(m_message,
                             tr("Wrote %1 packs into %2 (%3). Hand each annotator their file.")
                                 .arg(r.packs.size())
                                 .arg(m_folder->text(), lines.join(QStringLiteral(", "))),
                             false);
            Q_EMIT projectChanged();
        });
    if (started)
        setBusy(true);
    return started;
}

void PacksDialog::addPacks(const QStringList &files)
{
    for (const QString &file : files) {
        if (std::find(m_files.begin(), m_files.end(), file) != m_files.end())
            continue;
        m_files.push_back(file);
        const int row = m_packs->rowCount();
        m_packs->insertRow(row);
        m_packs->setItem(row, ColFile, view::tableCell(QFileInfo(file).fileName(), file));
        m_packs->item(row, ColFile)->setToolTip(file);
        try {
            const PackMergeResult r = packs::preview(m_store, file);
            m_packs->setItem(row, ColAnnotator, view::tableCell(r.annotator));
            m_packs->setItem(row, ColLabels, view::tableCell(QString::number(r.labels)));
            m_packs->setItem(row, ColNew, view::tableCell(QString::number(r.merged)));
            m_packs->setItem(row, ColAlready, view::tableCell(QString::number(r.already)));
            m_packs->setItem(row, ColStatus, view::tableCell(r.merged > 0 || r.flags > 0 ? tr("ready") : tr("nothing new")));
        } catch (const std::exception &e) {
            m_packs->setItem(row, ColStatus, view::tableCell(tr("refused: %1").arg(QString::fromUtf8(e.what()))));
            m_packs->item(row, ColStatus)->setForeground(QColor(176, 0, 32));
        }
    }
    m_packs->resizeColumnsToContents();
    m_merge->setEnabled(!m_files.empty() && !m_tasks->isRunning());
    showPage(MergePage);
}

bool PacksDialog::startMerge()
{
    if (m_files.empty())
        return false;
    const std::vector<QString> files = m_files;
    struct Outcome {
        std::vector<PackMergeResult> merged;
        std::vector<QString> errors; // per file, empty when merged
    };
    const bool started = m_tasks->start(
        m_store.path(), tr("Pack merge"),
        [files](ProjectStore &store, Feedback &feedback) -> std::any {
            Outcome o;
            for (std::size_t i = 0; i < files.size(); ++i) {
                PackMergeResult r;
                QString error;
                try {
                    r = packs::merge(store, files[i]); // each pack all or nothing
                } catch (const std::exception &e) {
                    error = QString::fromUtf8(e.what());
                }
                o.merged.push_back(r);
                o.errors.push_back(error);
                feedback.setProgress(double(i + 1) / double(files.size()));
            }
            return o;
        },
        [this](std::any &any) {
            const auto o = std::any_cast<Outcome>(any);
            qint64 merged = 0, already = 0;
            int refused = 0;
            for (int row = 0; row < int(o.merged.size()) && row < m_packs->rowCount(); ++row) {
                const PackMergeResult &r = o.merged[std::size_t(row)];
                const QString &error = o.errors[std::size_t(row)];
                if (!error.isEmpty()) {
                    ++refused;
                    m_packs->setItem(row, ColStatus, view::tableCell(tr("refused: %1").arg(error)));
                    m_packs->item(row, ColStatus)->setForeground(QColor(176, 0, 32));
                    continue;
                }
                merged += r.merged;
                already += r.already;
                m_packs->setItem(row, ColAnnotator, view::tableCell(r.annotator));
                m_packs->setItem(row, ColLabels, view::tableCell(QString::number(r.labels)));
                m_packs->setItem(row, ColNew, view::tableCell(QString::number(r.merged)));
                m_packs->setItem(row, ColAlready, view::tableCell(QString::number(r.already)));
                m_packs->setItem(row, ColStatus, view::tableCell(tr("merged")));
            }
            m_packs->resizeColumnsToContents();
            view::setMessage(m_message,
                             refused ? tr("Merged %1 new labels (%2 already there); %3 pack(s) refused, see Status.")
                                           .arg(merged).arg(already).arg(refused)
                                     : tr("Merged %1 new labels (%2 already there).").arg(merged).arg(already),
                             refused > 0);
            Q_EMIT projectChanged();
        });
    if (started)
        setBusy(true);
    return started;
}

bool PacksDialog::isBusy() const { return m_tasks->isRunning(); }

void PacksDialog::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_progress->setValue(0);
    m_export->setEnabled(!busy);
    m_merge->setEnabled(!busy && !m_files.empty());
    if (busy)
        view::setMessage(m_message, tr("Working…"), false);
}

} // namespace hyper
