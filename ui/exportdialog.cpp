// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/exportdialog.h"

#include "core/export/exporter.h"
#include "core/jobs/feedback.h"
#include "core/storage/ppmstore.h"
#include "core/storage/projectstore.h"
#include "ui/taskcontroller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTextBrowser>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTextStream>
#include <QVBoxLayout>

namespace hyper {

namespace {

struct Outcome {
    exporting::ExportResult result;
    QString preview; // first rows + card (preview only)
};

QString headOf(const QString &path, int lines)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QTextStream in(&f);
    QStringList out;
    while (!in.atEnd() && out.size() < lines)
        out << in.readLine();
    return out.join(QLatin1Char('\n'));
}

QString counts(const exporting::ExportResult &r)
{
    return QObject::tr("%1 rows (%2 human, %3 LM), %4 dropped (%5 ties, %6 without a label, %7 labelled by humans but "
                       "not routed to them, which hyper export --prefer-human exports) of %8 train instances")
        .arg(r.exported).arg(r.human).arg(r.lm).arg(r.dropped).arg(r.droppedTie)
        .arg(r.droppedWithoutAnyLabel()).arg(r.droppedUnroutedHuman)
        .arg(r.instances);
}

} // namespace

ExportDialog::ExportDialog(ProjectStore &store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_tasks(new TaskController(QStringLiteral("hyper-export"), this))
{
    setWindowTitle(tr("Export Mix"));
    m_format = new QComboBox;
    m_format->setObjectName(QStringLiteral("formatCombo"));
    m_format->addItem(tr("DPO (reference format, JSONL)"), QStringLiteral("dpo"));
    m_format->addItem(tr("TRL prompt/chosen/rejected (JSONL)"), QStringLiteral("trl"));
    m_format->addItem(tr("CSV"), QStringLiteral("csv"));
    m_conversational = new QCheckBox(tr("conversational (message lists)"));
    m_conversational->setObjectName(QStringLiteral("conversationalCheck"));
    m_plan = new QComboBox;
    m_plan->setObjectName(QStringLiteral("planCombo"));
    m_plan->addItem(tr("The applied routes (Route column)"), qint64(0));
    m_judge = new QComboBox;
    m_judge->setObjectName(QStringLiteral("judgeCombo"));
    m_judge->addItem(tr("Majority of all judges"), QString());
    try {
        for (const RoutePlanRecord &p : listRoutePlans(store))
            m_plan->addItem(tr("Plan %1: %2, %3 to humans").arg(p.id).arg(p.strategy).arg(p.human), p.id);
        for (const QString &j : store.info().judges)
            m_judge->addItem(j, j);
    } catch (const std::exception &) {
        // the lists stay at their defaults; the export itself reports store errors
    }
    m_expert = new QCheckBox(tr("Experts count twice in the human majority"));
    m_expert->setObjectName(QStringLiteral("expertCheck"));
    m_card = new QCheckBox(tr("Write the dataset card (FILE.md)"));
    m_card->setObjectName(QStringLiteral("cardCheck"));
    m_card->setChecked(true);
    m_out = new QLineEdit;
    m_out->setObjectName(QStringLiteral("outEdit"));
    m_browse = new QPushButton(tr("Browse…"));
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), m_out->text());
        if (!path.isEmpty())
            m_out->setText(path);
    });
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        m_conversational->setEnabled(m_format->currentData().toString() == QLatin1String("trl"));
        const QString path = m_out->text();
        if (!path.isEmpty()) // follow the format's extension
            m_out->setText(QFileInfo(path).path() + QLatin1Char('/') + QFileInfo(path).completeBaseName() +
                           (m_format->currentData().toString() == QLatin1String("csv") ? QStringLiteral(".csv")
                                                                                        : QStringLiteral(".jsonl")));
    });
    m_conversational->setEnabled(false);
    const QFileInfo project(store.path());
    m_out->setText(project.path() + QLatin1Char('/') + project.completeBaseName() + QStringLiteral("-mix.jsonl"));

    auto *outRow = new QHBoxLayout;
    outRow->addWidget(m_out, 1);
    outRow->addWidget(m_browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Format:"), m_format);
    form->addRow(QString(), m_conversational);
    form->addRow(tr("Human instances:"), m_plan);
    form->addRow(tr("LM label:"), m_judge);
    form->addRow(QString(), m_expert);
    form->addRow(QString(), m_card);
    form->addRow(tr("Output file:"), outRow);

    // The preview: the first records as they are written, then the dataset card rendered
    // as the Markdown it is.
    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("previewText"));
    m_text->setOpenLinks(false);
    m_text->setPlaceholderText(tr("Preview: the first rows and the dataset card"));
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setMinimumHeight(m_message->fontMetrics().lineSpacing() * 2 + 4); // two lines, never cut
    m_preview = new QPushButton(tr("Preview"));
    m_preview->setObjectName(QStringLiteral("previewButton"));
    m_export = new QPushButton(tr("Export"));
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setDefault(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_preview, QDialogButtonBox::ActionRole);
    buttons->addButton(m_export, QDialogButtonBox::AcceptRole);
    connect(m_preview, &QPushButton::clicked, this, &ExportDialog::preview);
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::exportNow);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_tasks, &TaskController::failed, this, [this](const QString &message) {
        m_message->setText(tr("%1 failed: %2 (nothing was written)").arg(m_tasks->latest(), message));
        m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    });
    connect(m_tasks, &TaskController::ended, this, [this] { setBusy(false); });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(900, 640);
}

ExportDialog::~ExportDialog() = default;

void ExportDialog::setOutputPath(const QString &path)
{
    m_out->setText(path);
}

QString ExportDialog::previewText() const
{
    return m_text->toPlainText();
}

QString ExportDialog::message() const
{
    return m_message->text();
}

void ExportDialog::setBusy(bool busy)
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_format, m_plan, m_judge, m_expert, m_card, m_out, m_browse,
                                                       m_preview, m_export})
        w->setEnabled(!busy);
    m_conversational->setEnabled(!busy && m_format->currentData().toString() == QLatin1String("trl"));
}

namespace {

exporting::ExportParams paramsFrom(QComboBox *format, QCheckBox *conversational, QComboBox *plan, QComboBox *judge,
                                   QCheckBox *expert)
{
    exporting::ExportParams p;
    p.format = exporting::parseFormat(format->currentData().toString()).value_or(exporting::Format::Dpo);
    p.conversational = conversational->isChecked() && p.format == exporting::Format::Trl;
    if (const qint64 id = plan->currentData().toLongLong(); id > 0)
        p.resolve.planId = id;
    p.resolve.judge = judge->currentData().toString();
    p.resolve.expertWeight = expert->isChecked();
    p.command = QStringLiteral("hyper-workbench: File > Export Mix");
    return p;
}

} // namespace

void ExportDialog::preview()
{
    exporting::ExportParams params = paramsFrom(m_format, m_conversational, m_plan, m_judge, m_expert);
    m_message->setStyleSheet(QString());
    m_message->setText(tr("Preparing the preview…"));
    setBusy(true);
    // Written under the chosen file's name, so that the card's title is the user's file.
    QString name = QFileInfo(m_out->text().trimmed()).fileName();
    if (name.isEmpty())
        name = QStringLiteral("mix.jsonl");
    const QString heading = tr("**The first 5 records of %1**").arg(name);
    const QString cardHeading = tr("**The dataset card, %1.md** (its YAML header first)").arg(name);
    m_tasks->start(
        m_store.path(), tr("Preview"),
        [params, name, heading, cardHeading](ProjectStore &store, Feedback &feedback) mutable -> std::any {
            QTemporaryDir dir;
            if (!dir.isValid())
                throw exporting::ExportIoError("cannot create a temporary folder for the preview");
            params.outPath = dir.filePath(name);
            params.cardPath = dir.filePath(name + QStringLiteral(".md"));
            Outcome o;
            o.result = exporting::runExport(store, params, feedback);
            QFile card(params.cardPath);
            QString text = card.open(QIODevice::ReadOnly) ? QString::fromUtf8(card.readAll()) : QString();
            // The card's YAML front matter (for the Hugging Face hub) shown as the code it is.
            if (text.startsWith(QLatin1String("---\n"))) {
                const qsizetype end = text.indexOf(QLatin1String("\n---\n"), 4);
                if (end > 0)
                    text = QStringLiteral("```yaml\n") + text.mid(4, end - 4) + QStringLiteral("\n```\n")
                        + text.mid(end + 5);
            }
            o.preview = heading + QStringLiteral("\n\n```\n") + headOf(params.outPath, 5) + QStringLiteral("\n```\n\n")
                + cardHeading + QStringLiteral("\n\n") + text;
            return o;
        },
        [this](std::any &any) {
            const auto o = std::any_cast<Outcome>(any);
            m_text->setMarkdown(o.preview);
            m_message->setText(tr("Preview: %1.").arg(counts(o.result)));
        });
}

void ExportDialog::exportNow()
{
    const QString out = m_out->text().trimmed();
    if (out.isEmpty()) {
        m_message->setText(tr("Choose an output file."));
        return;
    }
    exporting::ExportParams params = paramsFrom(m_format, m_conversational, m_plan, m_judge, m_expert);
    params.outPath = out;
    if (m_card->isChecked())
        params.cardPath = out + QStringLiteral(".md");
    m_message->setStyleSheet(QString());
    m_message->setText(tr("Exporting…"));
    setBusy(true);
    m_tasks->start(
        m_store.path(), tr("Export"),
        [params](ProjectStore &store, Feedback &feedback) -> std::any {
            return Outcome{exporting::runExport(store, params, feedback), {}};
        },
        [this, out](std::any &any) {
            const auto o = std::any_cast<Outcome>(any);
            m_message->setText(tr("Exported %1 to %2.").arg(counts(o.result), out));
        });
}

} // namespace hyper
