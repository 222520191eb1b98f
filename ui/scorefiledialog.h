// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/jobdialog.h"

#include <QList>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace hyper {

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
class ScoreFileDialog : public JobDialog
{
    Q_OBJECT

public:
    ScoreFileDialog(const QString &projectPath, const QString &model, QWidget *parent = nullptr);

    void setModelFile(const QString &path);
    void setInputFile(const QString &path);
    void setOutputFile(const QString &path);

public Q_SLOTS:
    void start() override;

protected:
    void setInputsEnabled(bool enabled) override;

private:
    QString m_projectPath;
    QLineEdit *m_model = nullptr;
    QLineEdit *m_input = nullptr;
    QLineEdit *m_output = nullptr;
    QComboBox *m_device = nullptr;
    QList<QPushButton *> m_browse;
};

} // namespace hyper
