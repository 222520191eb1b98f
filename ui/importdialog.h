// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/io/importer.h"

#include <QDialog>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace hyper {

/**
 * Asks what to import: the file, its format (auto or one of importFormats()), the
 * split, extra --map FIELD=COLUMN lines and whether to skip bad rows. Whenever an
 * input changes it runs previewImport (debounced) and shows the detected format, the
 * field mapping, warnings and the first rows, so the user sees what would be imported
 * before anything touches the project. Import is enabled only after a clean preview.
 *
 * Ownership: an ordinary dialog; the caller owns it. Thread affinity: the GUI thread
 * (the preview reads only the first rows of the file, synchronously).
 */
class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ImportDialog(QWidget *parent = nullptr);

    /** Presets the file (and previews it at once). */
    void setFile(const QString &file);
    /** The parameters chosen; valid after a successful preview. */
    ImportParams params() const;
    /** Parses "FIELD=COLUMN" lines (a leading "--map" is allowed); false with a message
     *  on a malformed line. */
    static bool parseMapLines(const QString &text, QMap<QString, QString> *map, QString *error);

    /** Runs the preview now; returns whether it succeeded. */
    bool refreshPreview();

    /** For tests and scripted use: the long-format columns, the delimiter (0 = sniff),
     *  what a duplicate row does, and how a label value reads ("" = as the importer
     *  reads it, "none" = no label, else a PREF of --label-map). */
    void setLabelColumn(const QString &column);
    void setAnnotatorColumn(const QString &column);
    void setDelimiter(char delimiter);
    void setOnDuplicate(OnDuplicate onDuplicate);
    void setLabelReading(const QString &value, const QString &pref);
    /** The label values the preview found, as listed in the label-map table. */
    QStringList labelValuesShown() const;

    /** For tests. */
    QString detectedFormat() const { return m_preview.format; }
    int previewRowCount() const;
    QString previewError() const { return m_error; }

private:
    void browse();
    void showPreview();
    void fillColumnChoices();
    void fillLabelTable();
    void showError(const QString &message);

    QLineEdit *m_file = nullptr;
    QComboBox *m_format = nullptr;
    QComboBox *m_split = nullptr;
    QPlainTextEdit *m_map = nullptr;
    QCheckBox *m_skipBad = nullptr;
    QComboBox *m_labelColumn = nullptr;
    QComboBox *m_annotatorColumn = nullptr;
    QComboBox *m_delimiter = nullptr;
    QComboBox *m_onDuplicate = nullptr;
    QTableWidget *m_labelMap = nullptr;
    QMap<QString, QString> m_labelChoices;   // value (lowercased) -> "" | "none" | PREF
    QLabel *m_summary = nullptr;
    QLabel *m_mapping = nullptr;
    QTableWidget *m_rows = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QTimer m_debounce;
    ImportPreview m_preview;
    QString m_error;
    bool m_previewOk = false;
};

} // namespace hyper
