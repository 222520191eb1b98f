// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/filterbar.h"

#include "core/storage/searchquery.h"

#include "ui/featuresview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>

namespace hyper {

namespace {

/** Tri-state "has label" combos: data is -1 (any), 1 (yes), 0 (no). */
QComboBox *makeYesNoCombo(QWidget *parent, const QString &any, const QString &yes, const QString &no)
{
    auto *combo = new QComboBox(parent);
    combo->addItem(any, -1);
    combo->addItem(yes, 1);
    combo->addItem(no, 0);
    return combo;
}

std::optional<bool> yesNo(const QComboBox *combo)
{
    const int v = combo->currentData().toInt();
    return v < 0 ? std::nullopt : std::optional<bool>(v == 1);
}

} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
{
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search prompts and responses (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(260);
    m_searchTip = tr("Full-text search: plain words must all occur; \"an exact phrase\"; word* (prefix); "
                     "a OR b; a NOT b; AND and parentheses (operators in capitals)");
    m_search->setToolTip(m_searchTip);

    m_split = new QComboBox(this);
    m_split->addItem(tr("Any split"), QString());
    m_split->addItem(tr("train"), splitName(Split::Train));
    m_split->addItem(tr("eval"), splitName(Split::Eval));

    m_source = new QComboBox(this);
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_source->setMaximumWidth(260);
    setSources({});

    m_human = makeYesNoCombo(this, tr("Human: any"), tr("Human labelled"), tr("No human label"));
    m_lm = makeYesNoCombo(this, tr("LM: any"), tr("LM labelled"), tr("No LM label"));

    m_route = new QComboBox(this);
    m_route->addItem(tr("Any route"), QString());
    m_route->addItem(tr("Routed to human"), QStringLiteral("human"));
    m_route->addItem(tr("Routed to LM"), QStringLiteral("lm"));
    m_route->addItem(tr("Unrouted"), QStringLiteral("unrouted"));

    m_disagreement = new QCheckBox(tr("Human/LM disagree"), this);
    m_disagreement->setToolTip(tr("Only instances whose human and LM majorities differ"));

    m_featureChip = new QToolButton(this);
    m_featureChip->setIcon(style()->standardIcon(QStyle::SP_DialogCloseButton));
    m_featureChip->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_featureChip->setLayoutDirection(Qt::RightToLeft); // the close icon after the text
    m_featureChip->setMaximumWidth(360);
    m_featureChip->setVisible(false);
    connect(m_featureChip, &QToolButton::clicked, this, [this] { setFeatures({}); });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 2);
    layout->addWidget(m_search, 3);
    for (QWidget *w : { static_cast<QWidget *>(m_split), static_cast<QWidget *>(m_source),
             static_cast<QWidget *>(m_human), static_cast<QWidget *>(m_lm), static_cast<QWidget *>(m_route),
             static_cast<QWidget *>(m_disagreement), static_cast<QWidget *>(m_featureChip) })
        layout->addWidget(w);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kSearchDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::emitNow);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    // Enter searches at once instead of waiting for the debounce.
    connect(m_search, &QLineEdit::returnPressed, this, &FilterBar::emitNow);
    for (QComboBox *c : { m_split, m_source, m_human, m_lm, m_route })
        connect(c, &QComboBox::currentIndexChanged, this, &FilterBar::emitNow);
    connect(m_disagreement, &QCheckBox::toggled, this, &FilterBar::emitNow);
}

InstanceFilter FilterBar::filter() const
{
    InstanceFilter f;
    if (const QString split = m_split->currentData().toString(); !split.isEmpty())
        f.split = parseSplit(split);
    f.source = m_source->currentData().toString();
    f.hasHumanLabel = yesNo(m_human);
    f.hasLmLabel = yesNo(m_lm);
    f.disagreementOnly = m_disagreement->isChecked();
    f.route = m_route->currentData().toString();
    f.text = m_search->text().trimmed();
    f.features = m_features;
    return f;
}

void FilterBar::setSources(const QStringList &sources)
{
    const QString current = m_source->currentData().toString();
    const bool wasBlocked = m_source->blockSignals(true);
    m_source->clear();
    m_source->addItem(tr("Any source"), QString());
    for (const QString &s : sources)
        m_source->addItem(s, s);
    const int index = m_source->findData(current);
    m_source->setCurrentIndex(index < 0 ? 0 : index);
    m_source->blockSignals(wasBlocked);
    if (index < 0 && !current.isEmpty())
        emitNow();
}

void FilterBar::clear()
{
    m_blocked = true;
    m_search->clear();
    for (QComboBox *c : { m_split, m_source, m_human, m_lm, m_route })
        c->setCurrentIndex(0);
    m_disagreement->setChecked(false);
    setFeatures({});
    m_blocked = false;
    emitNow();
}

void FilterBar::setFeatures(const QStringList &features)
{
    m_features = features;
    QStringList labels;
    for (const QString &name : features)
        labels << featureDisplayName(name);
    const QString text = tr("Features: %1").arg(labels.join(QStringLiteral(" & ")));
    m_featureChip->setText(fontMetrics().elidedText(text, Qt::ElideRight, 320));
    m_featureChip->setToolTip(tr("Only instances carrying all of:\n%1\n\nClick to clear the feature filter.")
                                  .arg(features.join(QLatin1Char('\n'))));
    m_featureChip->setVisible(!features.isEmpty());
    emitNow();
}

void FilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FilterBar::emitNow()
{
    if (m_blocked)
        return;
    m_debounce.stop();
    const InstanceFilter f = filter();
    try {
        parseSearch(f.text);
    } catch (const SearchSyntaxError &e) {
        m_searchError = QString::fromUtf8(e.what());
        m_search->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #c62828; }"));
        m_search->setToolTip(m_searchError);
        Q_EMIT searchInvalid(m_searchError);
        return;
    }
    if (!m_searchError.isEmpty()) {
        m_searchError.clear();
        m_search->setStyleSheet(QString());
        m_search->setToolTip(m_searchTip);
    }
    Q_EMIT filterChanged(f);
}

} // namespace hyper
