// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"

#include <QTextBrowser>

namespace hyper {

/**
 * A read-only QTextBrowser that renders Markdown (CommonMark + GitHub tables) with
 * code blocks and inline code in the system's fixed-pitch font, opens links
 * externally, and scrolls long texts.
 *
 * Ownership: a child widget of its parent. Thread affinity: the GUI thread.
 */
class MarkdownView : public QTextBrowser
{
    Q_OBJECT

public:
    explicit MarkdownView(QWidget *parent = nullptr);

    /** Renders text as Markdown; the plain text stays available as source(). */
    void setMarkdownText(const QString &text);
    /** Renders a conversation as turns: each a role heading over its text (Markdown),
     *  shaded by role. sourceText() becomes plainText (the prompt's "Role: text" form). */
    void setConversation(const QList<Turn> &turns, const QString &plainText);
    /** Scrolls a conversation so that its last turn starts at the top (as far as the
     *  scroll range allows): the turn the responses answer. */
    void scrollToLastTurn();
    /** The text last given to setMarkdownText or setConversation. */
    QString sourceText() const { return m_source; }

private:
    void applyFixedPitchToCode();

    QString m_source;
    int m_lastTurnAt = -1; // document position of the last turn's heading; -1: none
};

} // namespace hyper
