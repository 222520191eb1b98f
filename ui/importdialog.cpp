// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/importdialog.h"

#include "ui/settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

namespace hyper {

namespace {

constexpr int kPreviewRows = 20;
constexpr int kCellChars = 160;

QString cell(const std::string &utf8)
{
    QString s = QString::fromUtf8(utf8).simplified();
    if (s.size() > kCellChars)
        s = s.left(kCellChars) + QChar(0x2026);
    return s;
}

} // namespace

ImportDialog::ImportDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Import Preference Data"));
    resize(1000, 800);

    m_file = new QLineEdit(this);
    m_file->setPlaceholderText(tr(".jsonl, .json or .csv, optionally .gz"));
    auto *browseButton = new QPushButton(tr("Browse…"), this);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browseButton);

    m_format = new QComboBox(this);
    m_format->addItem(tr("Detect automatically"), QStringLiteral("auto"));
    for (const QString &f : importFormats())
        m_format->addItem(f, f);

    m_split = new QComboBox(this);
    m_split->addItem(tr("train"), int(Split::Train));
    m_split->addItem(tr("eval"), int(Split::Eval));
    m_split->setToolTip(tr("The split of rows that do not name their own"));

    m_map = new QPlainTextEdit(this);
    m_map->setPlaceholderText(tr("One FIELD=COLUMN per line, e.g.\nprompt=question\nhuman:alice=label_1"));
    m_map->setFixedHeight(m_map->fontMetrics().lineSpacing() * 4 + 12);
    m_map->setTabChangesFocus(true);

    m_skipBad = new QCheckBox(tr("Skip bad rows (report them instead of failing)"), this);
    m_skipBad->setChecked(settings::importSkipBadRows.value());

    m_labelColumn = new QComboBox(this);
    m_labelColumn->setObjectName(QStringLiteral("labelColumnCombo"));
    m_labelColumn->setToolTip(tr("A column of human labels (--map human=COLUMN)"));
    m_annotatorColumn = new QComboBox(this);
    m_annotatorColumn->setObjectName(QStringLiteral("annotatorColumnCombo"));
    m_annotatorColumn->setToolTip(tr("Long format: each row is one judgement by the annotator this column names; rows of the "
                                     "same pair (in either order) become one instance (--map annotator=COLUMN)"));
    fillColumnChoices();
    m_delimiter = new QComboBox(this);
    m_delimiter->setObjectName(QStringLiteral("delimiterCombo"));
    m_delimiter->addItem(tr("Detect"), 0);
    m_delimiter->addItem(tr("Comma"), int(','));
    m_delimiter->addItem(tr("Tab"), int('\t'));
    m_delimiter->addItem(tr("Semicolon"), int(';'));
    m_delimiter->setToolTip(tr("For delimited text (.csv, .tsv): detected from the header line unless set"));
    m_onDuplicate = new QComboBox(this);
    m_onDuplicate->setObjectName(QStringLiteral("duplicateCombo"));
    m_onDuplicate->addItem(tr("Merge its new labels (skip the row)"), int(OnDuplicate::Skip));
    m_onDuplicate->addItem(tr("Add it again"), int(OnDuplicate::Keep));
    m_onDuplicate->addItem(tr("Stop the import"), int(OnDuplicate::Error));
    m_onDuplicate->setToolTip(tr("A row whose pair an earlier import brought in (same split, prompt and responses)"));
    auto *columnsRow = new QHBoxLayout;
    columnsRow->addWidget(new QLabel(tr("Labels:"), this));
    columnsRow->addWidget(m_labelColumn, 1);
    columnsRow->addWidget(new QLabel(tr("Annotator (one row per judgement):"), this));
    columnsRow->addWidget(m_annotatorColumn, 1);
    auto *optionsRow = new QHBoxLayout;
    optionsRow->addWidget(new QLabel(tr("Delimiter:"), this));
    optionsRow->addWidget(m_delimiter);
    optionsRow->addWidget(new QLabel(tr("A pair already in the project:"), this));
    optionsRow->addWidget(m_onDuplicate, 1);
    m_labelMap = new QTableWidget(0, 2, this);
    m_labelMap->setObjectName(QStringLiteral("labelMapTable"));
    m_labelMap->setHorizontalHeaderLabels({tr("Label value in the file"), tr("Reads as")});
    m_labelMap->verticalHeader()->hide();
    m_labelMap->horizontalHeader()->setStretchLastSection(true);
    m_labelMap->setFixedHeight(m_labelMap->fontMetrics().lineSpacing() * 6 + 12);
    m_labelMap->setToolTip(tr("The values the label columns hold in the preview rows (--label-map VALUE=PREF)"));

    auto *form = new QFormLayout;
    // addRow(QString, QLayout*) sets no buddy, so the mnemonic needs its own label.
    auto *fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_file);
    form->addRow(fileLabel, fileRow);
    form->addRow(tr("F&ormat:"), m_format);
    form->addRow(tr("&Split:"), m_split);
    form->addRow(tr("Columns:"), columnsRow);
    form->addRow(tr("Extra &mapping:"), m_map);
    form->addRow(tr("Reading:"), optionsRow);
    form->addRow(tr("Label &values:"), m_labelMap);
    form->addRow(QString(), m_skipBad);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_mapping = new QLabel(this);
    m_mapping->setWordWrap(true);
    m_mapping->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_rows = new QTableWidget(0, 10, this);
    m_rows->setHorizontalHeaderLabels({ tr("Line"), tr("Id"), tr("Split"), tr("Prompt"), tr("Response A"),
        tr("Response B"), tr("Models"), tr("Source"), tr("#Human"), tr("#LM") });
    m_rows->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rows->setWordWrap(false);
    m_rows->verticalHeader()->hide();
    m_rows->verticalHeader()->setDefaultSectionSize(m_rows->fontMetrics().height() + 8);
    m_rows->horizontalHeader()->setStretchLastSection(false);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Import"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_mapping);
    layout->addWidget(m_rows, 1);
    layout->addWidget(m_buttons);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &ImportDialog::refreshPreview);
    auto schedule = [this] {
        m_previewOk = false;
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
        m_debounce.start();
    };
    connect(m_file, &QLineEdit::textChanged, this, schedule);
    connect(m_map, &QPlainTextEdit::textChanged, this, schedule);
    connect(m_format, &QComboBox::currentIndexChanged, this, schedule);
    connect(m_split, &QComboBox::currentIndexChanged, this, schedule);
    for (QComboBox *c : {m_labelColumn, m_annotatorColumn, m_delimiter, m_onDuplicate})
        connect(c, &QComboBox::currentIndexChanged, this, schedule);
    connect(browseButton, &QPushButton::clicked, this, &ImportDialog::browse);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (m_debounce.isActive() && !refreshPreview())
            return;
        if (!m_previewOk)
            return;
        settings::importSkipBadRows.setValue(m_skipBad->isChecked());
        settings::lastImportDirectory.setValue(QFileInfo(m_file->text()).absolutePath());
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    showError(tr("Choose a file to see a preview."));
}

void ImportDialog::setFile(const QString &file)
{
    m_file->setText(file);
    refreshPreview();
}

void ImportDialog::browse()
{
    QString dir = m_file->text().isEmpty() ? settings::lastImportDirectory.value()
                                           : QFileInfo(m_file->text()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, tr("Import File"), dir,
        tr("Preference data (*.jsonl *.json *.csv *.jsonl.gz *.json.gz *.csv.gz);;All files (*)"));
    if (!file.isEmpty())
        setFile(file);
}

bool ImportDialog::parseMapLines(const QString &text, QMap<QString, QString> *map, QString *error)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines[i].trimmed();
        if (line.startsWith(QStringLiteral("--map")))
            line = line.mid(5).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0 || eq == line.size() - 1) {
            if (error)
                *error = tr("Mapping line %1: expected FIELD=COLUMN, got \"%2\"").arg(i + 1).arg(line);
            return false;
        }
        map->insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
    }
    return true;
}

ImportParams ImportDialog::params() const
{
    ImportParams p;
    p.file = m_file->text().trimmed();
    p.format = m_format->currentData().toString();
    p.split = Split(m_split->currentData().toInt());
    parseMapLines(m_map->toPlainText(), &p.map, nullptr);
    if (const QString c = m_labelColumn->currentData().toString(); !c.isEmpty())
        p.map.insert(QStringLiteral("human"), c);
    if (const QString c = m_annotatorColumn->currentData().toString(); !c.isEmpty())
        p.map.insert(QStringLiteral("annotator"), c);
    p.delimiter = char(m_delimiter->currentData().toInt());
    p.onDuplicate = OnDuplicate(m_onDuplicate->currentData().toInt());
    for (auto it = m_labelChoices.cbegin(); it != m_labelChoices.cend(); ++it) {
        if (it.value() == QLatin1String("none"))
            p.naValues << it.key();
        else if (!it.value().isEmpty())
            p.labelMap << it.key() + QLatin1Char('=') + it.value();
    }
    p.skipBadRows = m_skipBad->isChecked();
    return p;
}

void ImportDialog::fillColumnChoices()
{
    for (QComboBox *combo : {m_labelColumn, m_annotatorColumn}) {
        const QString current = combo->currentData().toString();
        const QSignalBlocker block(combo);
        combo->clear();
        combo->addItem(combo == m_labelColumn ? tr("(as the format reads them)") : tr("(none: one row per pair)"), QString());
        for (const QString &c : std::as_const(m_preview.columns))
            combo->addItem(c, c);
        if (!current.isEmpty() && combo->findData(current) < 0)
            combo->addItem(current, current); // keep a choice the preview cannot list now
        combo->setCurrentIndex(std::max(0, combo->findData(current)));
    }
}

void ImportDialog::fillLabelTable()
{
    QStringList values;
    for (auto it = m_preview.labelValues.cbegin(); it != m_preview.labelValues.cend(); ++it)
        for (const QString &v : it.value())
            if (!values.contains(v.toLower()))
                values << v.toLower();
    for (auto it = m_labelChoices.cbegin(); it != m_labelChoices.cend(); ++it)
        if (!values.contains(it.key()))
            values << it.key();
    values.sort();
    const QSignalBlocker block(m_labelMap);
    m_labelMap->setRowCount(int(values.size()));
    static const std::pair<const char *, const char *> kChoices[] = {
        {"as read", ""}, {"A clearly better", "A-is-clearly-better"}, {"A slightly better", "A-is-slightly-better"},
        {"Tie", "Tie"}, {"B slightly better", "B-is-slightly-better"}, {"B clearly better", "B-is-clearly-better"},
        {"no label", "none"}};
    for (int r = 0; r < int(values.size()); ++r) {
        auto *item = new QTableWidgetItem(values[r]);
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        m_labelMap->setItem(r, 0, item);
        auto *combo = new QComboBox(m_labelMap);
        for (const auto &[text, pref] : kChoices)
            combo->addItem(tr(text), QString::fromLatin1(pref));
        combo->setCurrentIndex(std::max(0, combo->findData(m_labelChoices.value(values[r]))));
        const QString value = values[r];
        connect(combo, &QComboBox::currentIndexChanged, this, [this, combo, value] {
            setLabelReading(value, combo->currentData().toString());
        });
        m_labelMap->setCellWidget(r, 1, combo);
    }
    m_labelMap->resizeColumnToContents(0);
}

void ImportDialog::setLabelColumn(const QString &column)
{
    if (m_labelColumn->findData(column) < 0)
        m_labelColumn->addItem(column, column);
    m_labelColumn->setCurrentIndex(m_labelColumn->findData(column));
}

void ImportDialog::setAnnotatorColumn(const QString &column)
{
    if (m_annotatorColumn->findData(column) < 0)
        m_annotatorColumn->addItem(column, column);
    m_annotatorColumn->setCurrentIndex(m_annotatorColumn->findData(column));
}

void ImportDialog::setDelimiter(char delimiter)
{
    m_delimiter->setCurrentIndex(std::max(0, m_delimiter->findData(int(delimiter))));
}

void ImportDialog::setOnDuplicate(OnDuplicate onDuplicate)
{
    m_onDuplicate->setCurrentIndex(m_onDuplicate->findData(int(onDuplicate)));
}

void ImportDialog::setLabelReading(const QString &value, const QString &pref)
{
    if (pref.isEmpty())
        m_labelChoices.remove(value.toLower());
    else
        m_labelChoices.insert(value.toLower(), pref);
    m_previewOk = false;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    m_debounce.start();
}

QStringList ImportDialog::labelValuesShown() const
{
    QStringList out;
    for (int r = 0; r < m_labelMap->rowCount(); ++r)
        out << m_labelMap->item(r, 0)->text();
    return out;
}

bool ImportDialog::refreshPreview()
{
    m_debounce.stop();
    m_previewOk = false;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    const ImportParams p = params();
    QMap<QString, QString> map;
    QString error;
    if (p.file.isEmpty()) {
        showError(tr("Choose a file to see a preview."));
        return false;
    }
    if (!parseMapLines(m_map->toPlainText(), &map, &error)) {
        showError(error);
        return false;
    }
    try {
        m_preview = previewImport(p, kPreviewRows);
    } catch (const std::exception &e) {
        showError(QString::fromUtf8(e.what()));
        return false;
    }
    m_error.clear();
    m_previewOk = true;
    fillColumnChoices();
    fillLabelTable();
    showPreview();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
    return true;
}

void ImportDialog::showError(const QString &message)
{
    m_error = message;
    m_preview = ImportPreview();
    m_summary->setText(QStringLiteral("<span style='color:#b03a2e'>%1</span>").arg(message.toHtmlEscaped()));
    m_mapping->clear();
    m_rows->setRowCount(0);
}

void ImportDialog::showPreview()
{
    QString summary = tr("Format: <b>%1</b> &nbsp;·&nbsp; columns: %2")
                          .arg(m_preview.format.toHtmlEscaped(),
                              m_preview.columns.join(QStringLiteral(", ")).toHtmlEscaped());
    for (const QString &w : std::as_const(m_preview.warnings))
        summary += QStringLiteral("<br><span style='color:#9a6700'>%1</span>").arg(w.toHtmlEscaped());
    m_summary->setText(summary);

    QStringList pairs;
    for (auto it = m_preview.mapping.constBegin(); it != m_preview.mapping.constEnd(); ++it)
        pairs << QStringLiteral("%1 ← <i>%2</i>").arg(it.key().toHtmlEscaped(), it.value().toHtmlEscaped());
    m_mapping->setText(
        tr("Mapping: %1").arg(pairs.isEmpty() ? tr("(none)") : pairs.join(QStringLiteral(", &nbsp; "))));

    m_rows->setRowCount(int(m_preview.rows.size()));
    for (int r = 0; r < int(m_preview.rows.size()); ++r) {
        const ImportRecord &rec = m_preview.rows[size_t(r)];
        QString models = cell(rec.modelA);
        if (!rec.modelB.empty())
            models += QStringLiteral(" / ") + cell(rec.modelB);
        const QString texts[] = { QString::number(rec.line), cell(rec.externalId), splitName(rec.split),
            cell(rec.prompt), cell(rec.responseA), cell(rec.responseB), models, cell(rec.source),
            QString::number(rec.human.size()), QString::number(rec.lm.size()) };
        for (int c = 0; c < 10; ++c) {
            auto *it = new QTableWidgetItem(texts[c]);
            if (c == 3 || c == 4 || c == 5)
                it->setToolTip(QString::fromUtf8(c == 3 ? rec.prompt
                        : c == 4                        ? rec.responseA
                                                        : rec.responseB)
                                   .left(2000));
            m_rows->setItem(r, c, it);
        }
    }
    // Short columns fit their contents; the three texts share the rest.
    QHeaderView *header = m_rows->horizontalHeader();
    for (int c = 0; c < m_rows->columnCount(); ++c) {
        const bool text = c == 3 || c == 4 || c == 5;
        header->setSectionResizeMode(c, text ? QHeaderView::Stretch : QHeaderView::Interactive);
        if (!text) {
            m_rows->resizeColumnToContents(c);
            m_rows->setColumnWidth(c, std::min(m_rows->columnWidth(c), 200));
        }
    }
}

int ImportDialog::previewRowCount() const
{
    return m_rows->rowCount();
}

} // namespace hyper
