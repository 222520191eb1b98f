// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QScrollArea>
#include <QStringList>
#include <array>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace hyper {

class ScaleRow;

/**
 * The labelling form of the Label tab, in the shown frame: Overall, the three aspects
 * with their reasons, Confidence (ScaleRows), the rationale, Save / Skip / Flag, and the
 * LM-label panel. It holds what the annotator entered and which row the keys act on;
 * what a save means (the A/B frame, the database) is the tab's business.
 *
 * Ownership: a child widget. Thread affinity: the GUI thread.
 */
class LabelFormPanel : public QScrollArea
{
    Q_OBJECT

public:
    /** The rows of the form the keys act on. */
    enum Row { Overall = 0, Helpfulness, Truthfulness, Harmlessness, Confidence, RowCount };

    /** The form as shown (left/right frame), kept by the undo commands. */
    struct Form {
        std::array<int, RowCount> values{}; // 0 = not set, else 1..5
        std::array<QStringList, 3> reasons; // per aspect, reason keys
        QString rationale;
    };

    explicit LabelFormPanel(QWidget *parent = nullptr);

    Form form() const;
    /** Puts a form back (an undone save). */
    void setForm(const Form &form);
    /** Empties the form; its controls are enabled when there is an instance to label. */
    void clear(bool enabled);
    void setValue(int row, int value);
    int value(int row) const;
    /** Marks the row the keys act on. */
    void setCurrentRow(int row);
    int currentRow() const { return m_row; }
    /** ← / →: the keyboard focus to the next or previous reason of the marked row. */
    bool moveReasonFocus(int delta);
    /** Whether a reason checkbox holds the keyboard focus (after ← or →). */
    bool reasonHasFocus() const;
    QPlainTextEdit *rationale() const { return m_rationale; }
    /** The LM-label panel (rich text). */
    QLabel *lmPanel() const { return m_lmPanel; }

Q_SIGNALS:
    /** A button of row `row` was clicked (the row is marked already). */
    void rowPicked(int row);
    void saveClicked();
    void skipClicked();
    void flagClicked();

private:
    std::array<ScaleRow *, RowCount> m_rows{};
    QPlainTextEdit *m_rationale = nullptr;
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_skipButton = nullptr;
    QPushButton *m_flagButton = nullptr;
    QLabel *m_lmPanel = nullptr;
    int m_row = Overall;
};

} // namespace hyper
