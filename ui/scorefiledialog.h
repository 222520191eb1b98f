#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace hyper {

class TaskController;

/**
 * Training ▸ "Score a file…" (docs/GUI.md): a saved reward model scores every pair of a
 * file the importer reads (auto-detected format) into a JSONL file of
 * {"id", "score_a", "score_b"} (core/mlbridge/rmscore.h scoreFile), on a background
 * thread with progress and Cancel. The output is written atomically: a failed or canceled
 * run leaves no partial file.
 *
 * Ownership: a child dialog of the Training tab. Thread affinity: the GUI thread; the job
 * runs in its TaskController's thread (which opens the project only because every task
 * does; scoring does not touch it).
 */
class ScoreFileDialog : public QDialog
{
    Q_OBJECT

public:
    ScoreFileDialog(const QString &projectPath, const QString &model, QWidget *parent = nullptr);

    void setModelFile(const QString &path);
    void setInputFile(const QString &path);
    void setOutputFile(const QString &path);
    bool isRunning() const;
    QString message() const;

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    void jobEnded();

protected:
    void reject() override;

private:
    void setBusy(bool busy);
    void setMessage(const QString &text, bool error);

    QString m_projectPath;
    TaskController *m_tasks = nullptr;
    QLineEdit *m_model = nullptr;
    QLineEdit *m_input = nullptr;
    QLineEdit *m_output = nullptr;
    QComboBox *m_device = nullptr;
    QList<QPushButton *> m_browse;
    QProgressBar *m_progress = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace hyper
