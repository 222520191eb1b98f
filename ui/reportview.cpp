// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/reportview.h"

#include "core/storage/projectstore.h"
#include "ui/taskcontroller.h"
#include "ui/taskstatus.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace hyper {

ReportView::ReportView(const QString &threadName, QWidget *parent)
    : ProjectView(parent)
    , m_tasks(new TaskController(threadName, this))
{
    m_split = view::makeSplitCombo();
    m_refresh = new QPushButton(tr("Refresh"));
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_refresh, &QPushButton::clicked, this, &ReportView::refresh);
    connect(m_split, &QComboBox::currentIndexChanged, this, &ReportView::refresh);

    m_top = new QHBoxLayout;
    m_top->addWidget(new QLabel(tr("Instances:")));
    m_top->addWidget(m_split);
    m_top->addWidget(m_refresh);
    m_top->addWidget(m_summary, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_top);

    new TaskStatus(m_tasks, this, m_summary);
    connect(m_tasks, &TaskController::ended, this, [this] {
        m_refresh->setEnabled(m_store != nullptr);
        // The project (or its data) changed while the job ran: compute again.
        if (m_stale && m_store && isVisible())
            refresh();
    });
    m_refresh->setEnabled(false);
}

ReportView::~ReportView() = default;

bool ReportView::startFor(TaskController *tasks, const QString &projectPath, const QString &what,
                          TaskController::Work work, std::function<void(std::any &)> accept)
{
    return tasks->start(projectPath, what, std::move(work), [this, projectPath, accept = std::move(accept)](std::any &result) {
        if (m_store && m_store->path() == projectPath)
            accept(result);
    });
}

void ReportView::addTopWidget(QWidget *widget)
{
    m_top->insertWidget(m_top->indexOf(m_refresh), widget);
}

void ReportView::setBody(QWidget *body)
{
    static_cast<QVBoxLayout *>(layout())->addWidget(body, 1);
}

void ReportView::setProject(ProjectStore *store)
{
    if (store != m_store)
        m_tasks->cancel();
    m_store = store;
    clearReport();
    m_stale = true;
    m_refresh->setEnabled(store != nullptr && !m_tasks->isRunning());
    showReport();
    if (m_store && isVisible())
        refresh();
}

void ReportView::showEvent(QShowEvent *event)
{
    ProjectView::showEvent(event);
    if (m_stale && m_store)
        refresh();
}

void ReportView::refresh()
{
    if (!m_store || m_tasks->isRunning())
        return;
    m_stale = false;
    m_refresh->setEnabled(false);
    view::setMessage(m_summary, tr("Computing…"), false);
    startReport(m_store->path(), view::chosenSplit(m_split));
}

} // namespace hyper
