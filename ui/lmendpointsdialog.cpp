// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lmendpointsdialog.h"

#include "core/jobs/feedback.h"
#include "core/lm/chatclient.h"
#include "core/lm/lmjob.h"
#include "core/storage/lmstore.h"
#include "core/storage/projectstore.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace hyper {

LmEndpointsDialog::LmEndpointsDialog(ProjectStore &store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_tasks(new TaskController(QStringLiteral("hyper-lm-test"), this))
{
    setWindowTitle(tr("LM Endpoints"));
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("endpointList"));
    m_list->setMinimumWidth(180);
    connect(m_list, &QListWidget::currentRowChanged, this, [this] { showSelected(); });

    auto line = [](const QString &name, const QString &placeholder) {
        auto *e = new QLineEdit;
        e->setObjectName(name);
        e->setPlaceholderText(placeholder);
        return e;
    };
    m_name = line(QStringLiteral("nameEdit"), tr("e.g. local-vllm"));
    m_url = line(QStringLiteral("urlEdit"), tr("e.g. http://127.0.0.1:8000/v1"));
    m_model = line(QStringLiteral("modelEdit"), tr("e.g. Qwen/Qwen2.5-7B-Instruct"));
    m_keyEnv = line(QStringLiteral("keyEnvEdit"), tr("e.g. OPENAI_API_KEY (empty: no key)"));
    m_keyEnv->setToolTip(tr("The NAME of the environment variable that holds the API key. The key itself is never "
                            "typed into, shown or stored by the workbench."));
    m_keyStatus = new QLabel;
    m_keyStatus->setObjectName(QStringLiteral("keyStatusLabel"));
    connect(m_keyEnv, &QLineEdit::textChanged, this, &LmEndpointsDialog::updateKeyStatus);

    const lm::EndpointConfig defaults;
    auto spin = [](const QString &name, int min, int max, int value, const QString &special = {}) {
        auto *s = new QSpinBox;
        s->setObjectName(name);
        s->setRange(min, max);
        s->setValue(value);
        if (!special.isEmpty())
            s->setSpecialValueText(special);
        return s;
    };
    auto dspin = [](const QString &name, double min, double max, double value, int decimals, const QString &suffix) {
        auto *s = new QDoubleSpinBox;
        s->setObjectName(name);
        s->setRange(min, max);
        s->setDecimals(decimals);
        s->setValue(value);
        s->setSuffix(suffix);
        return s;
    };
    m_concurrency = spin(QStringLiteral("concurrencySpin"), 1, 256, defaults.concurrency);
    m_rpm = spin(QStringLiteral("rpmSpin"), 0, 100000, defaults.requestsPerMinute, tr("unlimited"));
    m_timeout = dspin(QStringLiteral("timeoutSpin"), 1, 3600, defaults.timeoutSeconds, 0, tr(" s"));
    m_retries = spin(QStringLiteral("retriesSpin"), 0, 20, defaults.maxRetries);
    m_priceIn = dspin(QStringLiteral("priceInSpin"), 0, 1000, defaults.pricePerMillionIn, 3, tr(" per 1M tokens"));
    m_priceOut = dspin(QStringLiteral("priceOutSpin"), 0, 1000, defaults.pricePerMillionOut, 3, tr(" per 1M tokens"));

    auto *form = new QFormLayout;
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Base URL:"), m_url);
    form->addRow(tr("Model:"), m_model);
    form->addRow(tr("API key variable:"), m_keyEnv);
    form->addRow(QString(), m_keyStatus);
    form->addRow(tr("Concurrency:"), m_concurrency);
    form->addRow(tr("Requests per minute:"), m_rpm);
    form->addRow(tr("Timeout:"), m_timeout);
    form->addRow(tr("Retries:"), m_retries);
    form->addRow(tr("Price, prompt:"), m_priceIn);
    form->addRow(tr("Price, completion:"), m_priceOut);

    auto *newButton = new QPushButton(tr("New"));
    newButton->setObjectName(QStringLiteral("newButton"));
    m_save = new QPushButton(tr("Save"));
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setObjectName(QStringLiteral("removeButton"));
    m_test = new QPushButton(tr("Test"));
    m_test->setObjectName(QStringLiteral("testButton"));
    m_test->setToolTip(tr("Sends one tiny request with these settings (at most one retry) and shows the outcome"));
    connect(newButton, &QPushButton::clicked, this, [this] {
        m_list->clearSelection();
        m_list->setCurrentRow(-1);
        setFormEndpoint(lm::EndpointConfig{});
        m_name->setFocus();
    });
    connect(m_save, &QPushButton::clicked, this, [this] { saveForm(); });
    connect(m_remove, &QPushButton::clicked, this, [this] { removeForm(); });
    connect(m_test, &QPushButton::clicked, this, &LmEndpointsDialog::testForm);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(newButton);
    buttons->addWidget(m_save);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    buttons->addWidget(m_test);

    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("messageLabel"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMinimumHeight(3 * m_message->fontMetrics().lineSpacing());
    m_message->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto *right = new QVBoxLayout;
    right->addLayout(form);
    right->addLayout(buttons);
    right->addWidget(m_message);
    right->addStretch(1);
    auto *top = new QHBoxLayout;
    top->addWidget(m_list);
    top->addLayout(right, 1);

    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(close);

    connect(m_tasks, &TaskController::failed, this,
            [this](const QString &message) { setMessage(tr("Test failed: %1").arg(message), true); });
    connect(m_tasks, &TaskController::ended, this, [this] { m_test->setEnabled(true); });

    resize(760, 460);
    reloadList();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        updateKeyStatus();
}

LmEndpointsDialog::~LmEndpointsDialog() = default;

QString LmEndpointsDialog::message() const
{
    return m_message->text();
}

void LmEndpointsDialog::setMessage(const QString &text, bool error)
{
    view::setMessage(m_message, text, error);
}

void LmEndpointsDialog::reloadList()
{
    const QString current = m_name->text();
    QSignalBlocker block(m_list);
    m_list->clear();
    try {
        for (const SavedEndpoint &e : LmStore(m_store).endpoints())
            m_list->addItem(e.name);
    } catch (const std::exception &e) {
        setMessage(tr("Cannot read the endpoints: %1").arg(QString::fromUtf8(e.what())), true);
    }
    const QList<QListWidgetItem *> found = m_list->findItems(current, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
}

void LmEndpointsDialog::showSelected()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    try {
        if (const std::optional<SavedEndpoint> saved = LmStore(m_store).endpoint(item->text()))
            setFormEndpoint(lm::endpointFromSaved(*saved));
        setMessage(QString(), false);
    } catch (const std::exception &e) {
        setMessage(tr("Cannot read the endpoint: %1").arg(QString::fromUtf8(e.what())), true);
    }
}

lm::EndpointConfig LmEndpointsDialog::formEndpoint() const
{
    lm::EndpointConfig e;
    e.name = m_name->text().trimmed();
    e.baseUrl = m_url->text().trimmed();
    e.model = m_model->text().trimmed();
    e.apiKeyEnv = m_keyEnv->text().trimmed();
    e.concurrency = m_concurrency->value();
    e.requestsPerMinute = m_rpm->value();
    e.timeoutSeconds = m_timeout->value();
    e.maxRetries = m_retries->value();
    e.pricePerMillionIn = m_priceIn->value();
    e.pricePerMillionOut = m_priceOut->value();
    return e;
}

void LmEndpointsDialog::setFormEndpoint(const lm::EndpointConfig &e)
{
    m_name->setText(e.name);
    m_url->setText(e.baseUrl);
    m_model->setText(e.model);
    m_keyEnv->setText(e.apiKeyEnv);
    m_concurrency->setValue(e.concurrency);
    m_rpm->setValue(e.requestsPerMinute);
    m_timeout->setValue(e.timeoutSeconds);
    m_retries->setValue(e.maxRetries);
    m_priceIn->setValue(e.pricePerMillionIn);
    m_priceOut->setValue(e.pricePerMillionOut);
    updateKeyStatus();
}

void LmEndpointsDialog::updateKeyStatus()
{
    const QString name = m_keyEnv->text().trimmed();
    if (name.isEmpty())
        view::setMessage(m_keyStatus, tr("No key: requests are sent without authorization."), false);
    else if (!qEnvironmentVariableIsEmpty(name.toLocal8Bit().constData()))
        view::setMessage(m_keyStatus, tr("$%1 is set.").arg(name), false);
    else
        view::setMessage(m_keyStatus,
                         tr("$%1 is not set in this environment (the system keychain is asked when a job starts).")
                             .arg(name),
                         true);
}

bool LmEndpointsDialog::saveForm()
{
    const lm::EndpointConfig e = formEndpoint();
    if (e.name.isEmpty() || e.baseUrl.isEmpty() || e.model.isEmpty()) {
        setMessage(tr("Name, base URL and model are required."), true);
        return false;
    }
    const QUrl url(e.baseUrl);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        setMessage(tr("Base URL: not an http(s) URL: %1").arg(e.baseUrl), true);
        return false;
    }
    try {
        LmStore(m_store).saveEndpoint(lm::savedFromEndpoint(e));
    } catch (const std::exception &ex) {
        setMessage(tr("Not saved: %1").arg(QString::fromUtf8(ex.what())), true);
        return false;
    }
    reloadList();
    setMessage(tr("Saved endpoint %1.").arg(e.name), false);
    Q_EMIT endpointsChanged();
    return true;
}

bool LmEndpointsDialog::removeForm()
{
    const QString name = m_name->text().trimmed();
    bool removed = false;
    try {
        removed = !name.isEmpty() && LmStore(m_store).removeEndpoint(name);
    } catch (const std::exception &ex) {
        setMessage(tr("Not removed: %1").arg(QString::fromUtf8(ex.what())), true);
        return false;
    }
    if (!removed) {
        setMessage(tr("No saved endpoint is named %1.").arg(name), true);
        return false;
    }
    reloadList();
    setFormEndpoint(lm::EndpointConfig{});
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    setMessage(tr("Removed endpoint %1.").arg(name), false);
    Q_EMIT endpointsChanged();
    return true;
}

void LmEndpointsDialog::testForm()
{
    lm::EndpointConfig e = formEndpoint();
    if (e.baseUrl.isEmpty() || e.model.isEmpty()) {
        setMessage(tr("Base URL and model are required."), true);
        return;
    }
    e.maxRetries = std::min(e.maxRetries, 1);
    e.concurrency = 1;
    const bool started = m_tasks->start(
        m_store.path(), tr("Test"),
        [e](ProjectStore &, Feedback &feedback) -> std::any {
            const QString key = lm::requireKey(e); // JobConfigError: the variable holds no key
            lm::ChatClient client(e, key);
            lm::ChatRequest request;
            request.tag = 1;
            request.maxTokens = 16;
            request.messages = {{QStringLiteral("system"), QStringLiteral("You are a connection test.")},
                                {QStringLiteral("user"), QStringLiteral("Reply with the single word OK.")}};
            bool sent = false;
            lm::ChatResult result;
            client.run(
                [&]() -> std::optional<lm::ChatRequest> {
                    if (sent)
                        return std::nullopt;
                    sent = true;
                    return request;
                },
                [&](const lm::ChatResult &r) { result = r; }, feedback);
            return result;
        },
        [this](std::any &any) {
            const auto r = std::any_cast<lm::ChatResult>(any);
            const QString tokens = r.promptTokens >= 0
                ? tr("%1 + %2 tokens").arg(r.promptTokens).arg(r.completionTokens)
                : tr("tokens not reported");
            if (r.ok)
                setMessage(tr("OK: HTTP %1 in %2 s (%3 attempt(s)), %4. Reply: %5")
                               .arg(r.httpStatus)
                               .arg(r.seconds, 0, 'f', 2)
                               .arg(r.attempts)
                               .arg(tokens, r.content.left(200)),
                           false);
            else
                setMessage(tr("Failed after %1 attempt(s), %2 s: %3%4")
                               .arg(r.attempts)
                               .arg(r.seconds, 0, 'f', 2)
                               .arg(r.error,
                                    r.httpStatus > 0 ? tr(" (HTTP %1)").arg(r.httpStatus) : QString()),
                           true);
        });
    if (started) {
        m_test->setEnabled(false);
        setMessage(tr("Testing %1 …").arg(e.baseUrl), false);
    }
}

} // namespace hyper
