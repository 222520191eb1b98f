// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/startpage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace hyper {

namespace {

/** The workflow, as the tabs name it: the same words on the start page and the banner. */
QString workflowHtml()
{
    return QObject::tr("<ol style='margin-left:-20px'>"
                       "<li><b>Import</b> a preference dataset: File › Import… (Ctrl+I). MultiPref, "
                       "chosen/rejected pairs, LLMBar, PandaLM and other public sets are recognised; any "
                       "JSONL or CSV with a prompt and two responses can be mapped.</li>"
                       "<li><b>Features</b>: compute the instance features the router uses.</li>"
                       "<li><b>Training</b> and <b>PPM</b>: train proxy reward models on human/LM mixes and fit "
                       "the performance prediction model.</li>"
                       "<li><b>Routing</b>: choose a budget; the instances that gain most from a human label "
                       "go to annotators.</li>"
                       "<li><b>Label</b>: annotators label the routed instances (keys 1–5, Enter); "
                       "<b>Agreement</b> and <b>Review</b> check them.</li>"
                       "<li><b>Export</b> the mixed dataset for DPO and TRL trainers (File › Export Mix…)</li></ol>");
}

} // namespace

StartPage::StartPage(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("startPage"));
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("startTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_title->setFont(big);
    m_text = new QLabel;
    m_text->setObjectName(QStringLiteral("startText"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    auto *import = new QPushButton(tr("Import a Dataset…"));
    import->setObjectName(QStringLiteral("startImportButton"));
    import->setDefault(true);
    m_importButton = import;
    auto *create = new QPushButton(tr("New Project…"));
    auto *open = new QPushButton(tr("Open Project…"));
    connect(import, &QPushButton::clicked, this, &StartPage::importRequested);
    connect(create, &QPushButton::clicked, this, &StartPage::newProjectRequested);
    connect(open, &QPushButton::clicked, this, &StartPage::openProjectRequested);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(import);
    buttons->addWidget(create);
    buttons->addWidget(open);
    buttons->addStretch(1);
    auto *column = new QVBoxLayout;
    column->addWidget(m_title);
    column->addWidget(m_text);
    column->addSpacing(8);
    column->addLayout(buttons);
    auto *box = new QWidget;
    box->setMaximumWidth(720);
    box->setLayout(column);
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);
    auto *centre = new QHBoxLayout;
    centre->addStretch(1);
    centre->addWidget(box, 4);
    centre->addStretch(1);
    outer->addLayout(centre);
    outer->addStretch(2);
    setProjectOpen(false);
}

void StartPage::setProjectOpen(bool open, const QString &fileName)
{
    if (open) {
        m_title->setText(tr("%1 has no instances yet").arg(fileName));
        m_text->setText(tr("<p>A project holds preference pairs (a prompt and two responses) with their human "
                           "and LM labels. Start by importing a dataset into it; then, tab by tab:</p>")
                        + workflowHtml());
    } else {
        m_title->setText(tr("No project is open"));
        m_text->setText(tr("<p>Create a project (File › New Project…, Ctrl+N) or open one (Ctrl+O). A project is "
                           "one file that holds preference pairs with their human and LM labels; the "
                           "workflow, tab by tab:</p>")
                        + workflowHtml());
    }
    m_importButton->setEnabled(open);
}

WelcomeBanner::WelcomeBanner(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("welcomeBanner"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("hyper--WelcomeBanner { background: #eef5ff; border: 1px solid #b8cde8; }"));
    auto *text = new QLabel(tr("<b>Welcome to HyPER Workbench.</b> This is the sample project: synthetic "
                               "preference pairs with human and LM labels to try every tab on. The workflow: "
                               "<b>Features</b> › <b>Training</b> › <b>PPM</b> › <b>Routing</b> › <b>Label</b> › "
                               "File › Export Mix. For your own data: File › New Project…, then File › Import… "
                               "(Ctrl+I)."));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    auto *close = new QToolButton;
    close->setObjectName(QStringLiteral("welcomeClose"));
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Hide this message"));
    close->setAccessibleName(tr("Hide the welcome message"));
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(text, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
}

} // namespace hyper
