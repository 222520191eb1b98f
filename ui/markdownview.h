#pragma once

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
    /** The text last given to setMarkdownText. */
    QString sourceText() const { return m_source; }

private:
    void applyFixedPitchToCode();

    QString m_source;
};

} // namespace hyper
