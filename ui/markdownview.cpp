#include "ui/markdownview.h"

#include <QFontDatabase>
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
    setMarkdown(text);
    applyFixedPitchToCode();
    moveCursor(QTextCursor::Start);
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
