// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QSplitter;
class QTableWidget;

namespace hyper {

class MarkdownView;
class ProjectStore;
struct HumanLabel;
struct LmLabel;

/**
 * The detail pane of the dataset browser: the prompt on top, responses A and B side
 * by side (each rendered as Markdown, with model name and length), and below them the
 * instance's labels: one table of human annotators and one of LM judges.
 *
 * Ownership: borrows the store (it must outlive the view, or be replaced with
 * setStore(nullptr)). Thread affinity: the GUI thread, the thread of the store.
 */
class InstanceDetailView : public QWidget
{
    Q_OBJECT

public:
    explicit InstanceDetailView(QWidget *parent = nullptr);

    void setStore(const ProjectStore *store);

    /** Loads and shows one instance; 0 (or an unknown id) clears the pane. */
    void showInstance(qint64 instanceId);
    qint64 instanceId() const { return m_instanceId; }
    void clear();

    /** The texts shown, for tests. */
    QString promptText() const;
    QString responseAText() const;
    QString responseBText() const;
    int humanLabelRows() const;
    int lmLabelRows() const;

    QSplitter *splitter() const { return m_vertical; }

private:
    /** Makes the labels pane tall enough for every label row (up to 8). */
    void fitLabelRows();
    void fillHumanLabels(const std::vector<HumanLabel> &labels);
    void fillLmLabels(const std::vector<LmLabel> &labels);

    const ProjectStore *m_store = nullptr;
    qint64 m_instanceId = 0;

    QLabel *m_title = nullptr;
    QLabel *m_promptHeader = nullptr;
    MarkdownView *m_prompt = nullptr;
    QLabel *m_headerA = nullptr;
    QLabel *m_headerB = nullptr;
    MarkdownView *m_responseA = nullptr;
    MarkdownView *m_responseB = nullptr;
    QLabel *m_humanHeader = nullptr;
    QLabel *m_lmHeader = nullptr;
    QTableWidget *m_human = nullptr;
    QTableWidget *m_lm = nullptr;
    QSplitter *m_vertical = nullptr;
};

} // namespace hyper
