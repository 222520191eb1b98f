// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/labeltexts.h"

#include "core/labels/worddiff.h"
#include "ui/markdownview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSplitter>
#include <QTextCursor>
#include <QVBoxLayout>

namespace hyper {

namespace {

/** Words: maximal runs of non-space characters. */
int countWords(const QString &text)
{
    int words = 0;
    bool inWord = false;
    for (const QChar c : text) {
        const bool space = c.isSpace();
        if (!space && !inWord)
            ++words;
        inWord = !space;
    }
    return words;
}

QString normalizedNewlines(QString text)
{
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    text.replace(QLatin1Char('\r'), QLatin1Char('\n'));
    return text;
}

} // namespace

LabelTexts::LabelTexts(QWidget *parent)
    : QWidget(parent)
{
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);

    // Texts: prompt on top, the two responses below.
    m_prompt = new MarkdownView;
    m_prompt->setObjectName(QStringLiteral("promptView"));
    m_responses = new QSplitter(Qt::Horizontal);
    m_responses->setChildrenCollapsible(false);
    for (int s = 0; s < 2; ++s) {
        auto *pane = new QWidget;
        auto *l = new QVBoxLayout(pane);
        l->setContentsMargins(0, 0, 0, 0);
        l->setSpacing(2);
        m_sideHeader[std::size_t(s)] = new QLabel;
        m_sideHeader[std::size_t(s)]->setObjectName(s == 0 ? QStringLiteral("leftHeader") : QStringLiteral("rightHeader"));
        m_sideHeader[std::size_t(s)]->setTextFormat(Qt::RichText);
        m_side[std::size_t(s)] = new MarkdownView;
        m_side[std::size_t(s)]->setObjectName(s == 0 ? QStringLiteral("leftView") : QStringLiteral("rightView"));
        l->addWidget(m_sideHeader[std::size_t(s)]);
        l->addWidget(m_side[std::size_t(s)], 1);
        m_responses->addWidget(pane);
    }
    connect(m_side[0]->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] { syncScroll(true); });
    connect(m_side[1]->verticalScrollBar(), &QScrollBar::valueChanged, this, [this] { syncScroll(false); });

    m_instanceLabel = new QLabel;
    m_instanceLabel->setObjectName(QStringLiteral("instanceLabel"));
    m_instanceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *promptPane = new QWidget;
    auto *pl = new QVBoxLayout(promptPane);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->setSpacing(2);
    auto *caption = new QHBoxLayout;
    caption->addWidget(m_instanceLabel);
    caption->addWidget(m_message, 1);
    m_message->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    pl->addLayout(caption);
    pl->addWidget(m_prompt, 1);
    auto *texts = new QSplitter(Qt::Vertical);
    texts->setChildrenCollapsible(false);
    texts->addWidget(promptPane);
    texts->addWidget(m_responses);
    texts->setStretchFactor(0, 1);
    texts->setStretchFactor(1, 4);
    texts->setSizes({130, 560});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(texts);
}

void LabelTexts::showInstance(const Instance *instance, bool swapped)
{
    m_instance = instance ? std::optional<Instance>(*instance) : std::nullopt;
    m_swapped = swapped;
    fill();
}

void LabelTexts::setDiffShown(bool shown)
{
    m_diff = shown;
    fill();
}

void LabelTexts::setStacked(bool stacked)
{
    m_responses->setOrientation(stacked ? Qt::Vertical : Qt::Horizontal);
    m_responses->setSizes({1, 1});
}

void LabelTexts::fill()
{
    if (!m_instance) {
        m_instanceLabel->clear();
        m_prompt->setMarkdownText(QString());
        for (int s = 0; s < 2; ++s) {
            m_side[std::size_t(s)]->setMarkdownText(QString());
            m_sideHeader[std::size_t(s)]->setText(s == 0 ? tr("<b>Left</b>") : tr("<b>Right</b>"));
        }
        return;
    }
    const Instance &i = *m_instance;
    m_instanceLabel->setText(tr("Instance %1%2").arg(i.id).arg(
        i.externalId.isEmpty() ? QString() : QStringLiteral(" · %1").arg(i.externalId)));
    if (i.conversation.isEmpty())
        m_prompt->setMarkdownText(i.prompt);
    else {
        m_prompt->setConversation(i.conversation, i.prompt);
        m_prompt->scrollToLastTurn();
    }
    if (m_diff) {
        applyDiff();
        return;
    }
    const QString texts[2] = {m_swapped ? i.responseB : i.responseA, m_swapped ? i.responseA : i.responseB};
    const QLocale locale;
    for (int s = 0; s < 2; ++s) {
        m_side[std::size_t(s)]->setExtraSelections({});
        m_side[std::size_t(s)]->setMarkdownText(texts[s]);
        m_sideHeader[std::size_t(s)]->setText(tr("<b>%1</b> &nbsp;·&nbsp; %2 words &nbsp;·&nbsp; %3 characters")
                                                  .arg(s == 0 ? tr("Left") : tr("Right"),
                                                       locale.toString(countWords(texts[s])),
                                                       locale.toString(texts[s].size())));
    }
}

void LabelTexts::applyDiff()
{
    if (!m_instance)
        return;
    const Instance &i = *m_instance;
    const QString texts[2] = {normalizedNewlines(m_swapped ? i.responseB : i.responseA),
                              normalizedNewlines(m_swapped ? i.responseA : i.responseB)};
    // At most 2,000 edits: O((N+M)·2000) steps and ~8 MB, a few ms even for long, unrelated texts.
    const labels::WordDiff diff = labels::wordDiff(texts[0], texts[1], 2000);
    const QColor colors[2] = {QColor(0xff, 0xd6, 0xd3), QColor(0xcf, 0xf2, 0xd0)};
    const QLocale locale;
    for (int s = 0; s < 2; ++s) {
        MarkdownView *v = m_side[std::size_t(s)];
        v->setPlainText(texts[s]);
        QList<QTextEdit::ExtraSelection> marks;
        const std::vector<labels::TextRange> &ranges = s == 0 ? diff.onlyInA : diff.onlyInB;
        marks.reserve(qsizetype(ranges.size()));
        for (const labels::TextRange &r : ranges) {
            QTextEdit::ExtraSelection sel;
            sel.cursor = QTextCursor(v->document());
            sel.cursor.setPosition(r.start);
            sel.cursor.setPosition(r.start + r.length, QTextCursor::KeepAnchor);
            sel.format.setBackground(colors[s]);
            marks.push_back(sel);
        }
        v->setExtraSelections(marks);
        m_sideHeader[std::size_t(s)]->setText(
            tr("<b>%1</b> &nbsp;·&nbsp; %2 words &nbsp;·&nbsp; %3 characters &nbsp;·&nbsp; "
               "<span style=\"background:%4\">&nbsp;%5 tokens only here&nbsp;</span>")
                .arg(s == 0 ? tr("Left") : tr("Right"), locale.toString(countWords(texts[s])),
                     locale.toString(texts[s].size()), colors[s].name(), locale.toString(qint64(ranges.size()))));
    }
}

void LabelTexts::syncScroll(bool fromLeft)
{
    if (m_syncing)
        return;
    QScrollBar *src = m_side[fromLeft ? 0 : 1]->verticalScrollBar();
    QScrollBar *dst = m_side[fromLeft ? 1 : 0]->verticalScrollBar();
    m_syncing = true;
    const double f = src->maximum() > 0 ? double(src->value()) / double(src->maximum()) : 0.0;
    dst->setValue(qRound(f * dst->maximum()));
    m_syncing = false;
}


} // namespace hyper
