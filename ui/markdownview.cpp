// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/markdownview.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace hyper {

MarkdownView::MarkdownView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenExternalLinks(true);
    setReadOnly(true);
    setLineWrapMode(QTextEdit::WidgetWidth);
    setFrameShape(QFrame::StyledPanel);
    document()->setDocumentMargin(6);
}

void MarkdownView::setMarkdownText(const QString &text)
{
    m_source = text;
    m_lastTurnAt = -1;
    setMarkdown(text);
    applyFixedPitchToCode();
    moveCursor(QTextCursor::Start);
}

namespace {

/** A role's heading colour and its turn's shade. */
std::pair<QColor, QColor> roleColours(const QString &role)
{
    if (role == QLatin1String("user"))
        return {QColor(0x1f, 0x4e, 0x8c), QColor(0xee, 0xf3, 0xfa)};
    if (role == QLatin1String("assistant"))
        return {QColor(0x2e, 0x6b, 0x2e), QColor(0xf0, 0xf7, 0xee)};
    return {QColor(0x55, 0x55, 0x55), QColor(0xf4, 0xf4, 0xf4)};
}

} // namespace

void MarkdownView::setConversation(const QList<Turn> &turns, const QString &plainText)
{
    m_source = plainText;
    m_lastTurnAt = -1;
    clear();
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    for (int i = 0; i < turns.size(); ++i) {
        const Turn &turn = turns.at(i);
        const auto [ink, shade] = roleColours(turn.role);
        QTextBlockFormat head;
        head.setTopMargin(i ? 8 : 0);
        head.setBackground(shade);
        QTextCharFormat title;
        title.setFontWeight(QFont::Bold);
        title.setForeground(ink);
        if (i)
            cursor.insertBlock(head, title);
        else {
            cursor.setBlockFormat(head);
            cursor.setBlockCharFormat(title);
        }
        m_lastTurnAt = cursor.position();
        QString role = turn.role.isEmpty() ? tr("(no role)") : turn.role;
        role[0] = role[0].toUpper();
        cursor.insertText(tr("%1  ·  turn %2 of %3").arg(role).arg(i + 1).arg(turns.size()), title);
        QTextBlockFormat body;
        body.setBackground(shade);
        body.setLeftMargin(10);
        cursor.insertBlock(body, QTextCharFormat());
        const int start = cursor.position();
        cursor.insertMarkdown(turn.content.isEmpty() ? tr("*(empty)*") : turn.content);
        // The Markdown's own blocks (paragraphs, lists, code) take the turn's shade too.
        QTextCursor range(document());
        range.setPosition(start);
        range.setPosition(cursor.position(), QTextCursor::KeepAnchor);
        QTextBlockFormat shaded;
        shaded.setBackground(shade);
        range.mergeBlockFormat(shaded);
    }
    cursor.endEditBlock();
    applyFixedPitchToCode();
    moveCursor(QTextCursor::Start);
}

void MarkdownView::scrollToLastTurn()
{
    if (m_lastTurnAt < 0)
        return;
    QTextCursor at(document());
    at.setPosition(m_lastTurnAt);
    QScrollBar *bar = verticalScrollBar();
    bar->setValue(bar->value() + cursorRect(at).top() - 2);
}

// The Markdown importer only marks code as "fixed pitch"; whether that resolves to a
// monospace face depends on the platform, so name the system's fixed font explicitly.
void MarkdownView::applyFixedPitchToCode()
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    QTextDocument *doc = document();
    QTextCursor cursor(doc);
    cursor.beginEditBlock();
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        const bool codeBlock = block.blockFormat().hasProperty(QTextFormat::BlockCodeFence)
            || block.blockFormat().hasProperty(QTextFormat::BlockCodeLanguage);
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!codeBlock && !fragment.charFormat().fontFixedPitch())
                continue;
            QTextCharFormat format;
            format.setFontFamilies({ fixed.family() });
            format.setFontFixedPitch(true);
            if (codeBlock)
                format.setBackground(QColor(0xf3, 0xf3, 0xf3));
            cursor.setPosition(fragment.position());
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            cursor.mergeCharFormat(format);
        }
        if (codeBlock) {
            QTextBlockFormat blockFormat = block.blockFormat();
            blockFormat.setBackground(QColor(0xf3, 0xf3, 0xf3));
            cursor.setPosition(block.position());
            cursor.setBlockFormat(blockFormat);
        }
    }
    cursor.endEditBlock();
    document()->setModified(false);
}

} // namespace hyper
