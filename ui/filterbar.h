// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/domain/types.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QToolButton;

namespace hyper {

/**
 * The search box and the filters above the instance table. Edits of the search text
 * are debounced (kSearchDebounceMs) before filterChanged is emitted; the combos emit at
 * once. It only builds an InstanceFilter: the store does the filtering.
 *
 * Ownership: a child widget of its parent. Thread affinity: the GUI thread.
 */
class FilterBar : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kSearchDebounceMs = 200;

    explicit FilterBar(QWidget *parent = nullptr);

    InstanceFilter filter() const;
    /** Fills the source combo (keeps the current choice when it still exists). */
    void setSources(const QStringList &sources);
    /** Sets the binary-feature filter (raw names; empty: none) and emits filterChanged.
     *  A button shows it while active and clears it when clicked. */
    void setFeatures(const QStringList &features);
    QStringList features() const { return m_features; }
    /** Clears the search text and every filter, emitting filterChanged once. */
    void clear();
    /** Focuses and selects the search text (Ctrl+F). */
    void focusSearch();

    QLineEdit *searchEdit() const { return m_search; }

    /** Why the search text cannot be read (empty when it can). */
    QString searchError() const { return m_searchError; }

Q_SIGNALS:
    void filterChanged(const hyper::InstanceFilter &filter);
    /** The search text cannot be read (an unclosed quote, "apple OR"): the box is marked,
     *  the table keeps its rows, and message says why. */
    void searchInvalid(const QString &message);

private:
    void emitNow();

    QLineEdit *m_search = nullptr;
    QString m_searchTip;
    QString m_searchError;
    QComboBox *m_split = nullptr;
    QComboBox *m_source = nullptr;
    QComboBox *m_human = nullptr;
    QComboBox *m_lm = nullptr;
    QComboBox *m_route = nullptr;
    QCheckBox *m_disagreement = nullptr;
    QToolButton *m_featureChip = nullptr;
    QStringList m_features;
    QTimer m_debounce;
    bool m_blocked = false;
};

} // namespace hyper
