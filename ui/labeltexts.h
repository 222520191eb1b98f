// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"

#include <QWidget>
#include <array>
#include <optional>

class QLabel;
class QSplitter;

namespace hyper {

class MarkdownView;

/**
 * The texts of the Label tab: the instance's name and the tab's message line, the prompt
 * (a conversation as its turns), and the two responses side by side or stacked, each with
 * its word and character count, scrolled together; with Word Diff, the raw texts with the
 * words only one side has highlighted (labels::wordDiff). Left and right are the shown
 * frame: B is on the left when the instance is shown swapped.
 *
 * Ownership: a child widget; keeps its own copy of the shown instance (shared strings).
 * Thread affinity: the GUI thread.
 */
class LabelTexts : public QWidget
{
    Q_OBJECT

public:
    explicit LabelTexts(QWidget *parent = nullptr);

    /** Shows the instance (null clears the texts), B on the left when swapped. */
    void showInstance(const Instance *instance, bool swapped);
    void setStacked(bool stacked);
    void setDiffShown(bool shown);
    bool isDiffShown() const { return m_diff; }
    /** The message line beside the instance's name (the tab writes its messages there). */
    QLabel *messageLabel() const { return m_message; }

private:
    void fill();
    void applyDiff();
    void syncScroll(bool fromLeft);

    std::optional<Instance> m_instance;
    bool m_swapped = false;
    bool m_diff = false;
    bool m_syncing = false;
    QLabel *m_message = nullptr;
    QLabel *m_instanceLabel = nullptr;
    MarkdownView *m_prompt = nullptr;
    QSplitter *m_responses = nullptr;
    std::array<QLabel *, 2> m_sideHeader{};
    std::array<MarkdownView *, 2> m_side{};
};

} // namespace hyper
