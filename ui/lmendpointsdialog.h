// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace hyper {

class ProjectStore;
class TaskController;
namespace lm {
struct EndpointConfig;
}

/**
 * LM > Endpoints…: the OpenAI-compatible endpoints saved in the open project
 * (lm_endpoints, through LmStore; docs/LM.md). A list on the left; on the right the
 * selected endpoint's name, base URL, model, the NAME of the environment variable that
 * holds its API key (with whether that variable is set now), concurrency, requests per
 * minute, timeout, retries and prices. New clears the form, Save stores it (inserts or
 * replaces by name), Remove deletes the selected one. Test sends one tiny chat request
 * with the form's settings on a worker thread and shows the outcome (HTTP status,
 * seconds, tokens, the reply or the error). The key itself is never typed, shown or
 * stored here: only the variable's name.
 *
 * Ownership: owns its widgets and controller; borrows the store (GUI thread). Thread
 * affinity: the GUI thread.
 */
class LmEndpointsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit LmEndpointsDialog(ProjectStore &store, QWidget *parent = nullptr);
    ~LmEndpointsDialog() override;

    /** The form as an endpoint (what Save stores and Test sends). */
    lm::EndpointConfig formEndpoint() const;
    /** Fills the form (the list selection is left alone). */
    void setFormEndpoint(const lm::EndpointConfig &endpoint);
    /** Saves the form; false (and the message says why) when the store refuses it. */
    bool saveForm();
    /** Removes the endpoint named in the form; false when there was none. */
    bool removeForm();
    /** Sends the test request (see the class comment). */
    void testForm();
    /** Reloads the list from the store. */
    void reloadList();

    TaskController *controller() const { return m_tasks; }
    QString message() const;

Q_SIGNALS:
    /** After a save or a removal. */
    void endpointsChanged();

private:
    void showSelected();
    void updateKeyStatus();
    void setMessage(const QString &text, bool error);

    ProjectStore &m_store;
    TaskController *m_tasks = nullptr;
    QListWidget *m_list = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_model = nullptr;
    QLineEdit *m_keyEnv = nullptr;
    QLabel *m_keyStatus = nullptr;
    QSpinBox *m_concurrency = nullptr;
    QSpinBox *m_rpm = nullptr;
    QDoubleSpinBox *m_timeout = nullptr;
    QSpinBox *m_retries = nullptr;
    QDoubleSpinBox *m_priceIn = nullptr;
    QDoubleSpinBox *m_priceOut = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace hyper
