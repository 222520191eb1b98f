// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/calibrationview.h"

#include "core/domain/preference.h"
#include "core/labels/calibration.h"
#include "core/routing/planner.h"
#include "core/storage/agreementqueries.h"
#include "core/storage/projectstore.h"
#include "ui/featuresview.h"
#include "ui/labelformat.h"
#include "ui/taskcontroller.h"
#include "ui/viewhelpers.h"

#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace hyper {

namespace {

QString interval(const labels::Interval &i)
{
    return std::isnan(i.low) ? QStringLiteral("–")
                             : QStringLiteral("%1 – %2").arg(view::number(i.low), view::number(i.high));
}

QString gradeText(int v)
{
    const std::optional<Preference> p = preferenceFromInt(v);
    return p ? labelformat::shortText(*p) : QString::number(v);
}

/** White to blue by share in [0, 1]. */
QColor shade(double share)
{
    const double s = std::isnan(share) ? 0.0 : std::clamp(share, 0.0, 1.0);
    return QColor::fromRgbF(float(1.0 - 0.75 * s), float(1.0 - 0.55 * s), 1.0f);
}

const QColor kBelow(255, 214, 214);

} // namespace

CalibrationView::CalibrationView(QWidget *parent)
    : ReportView(QStringLiteral("hyper-calibration"), parent)
    , m_importanceTasks(new TaskController(QStringLiteral("hyper-calibration-ppm"), this))
{
    m_judge = new QComboBox;
    m_judge->setObjectName(QStringLiteral("judgeCombo"));
    m_judge->setMinimumContentsLength(16);
    m_judge->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    connect(m_judge, &QComboBox::currentIndexChanged, this, &CalibrationView::showJudge);
    addTopWidget(new QLabel(tr("Judge:")));
    addTopWidget(m_judge);

    auto label = [](const QString &name) {
        auto *l = new QLabel;
        l->setObjectName(name);
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return l;
    };
    m_headline = label(QStringLiteral("accuracyLabel"));
    m_position = label(QStringLiteral("positionLabel"));
    m_grades = label(QStringLiteral("gradesLabel"));
    m_ppmNote = label(QStringLiteral("ppmNoteLabel"));
    QFont big = m_headline->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_headline->setFont(big);

    m_tags = view::makeTable(QStringLiteral("tagTable"), {tr("Tag"), tr("Decided"), tr("Accuracy"), tr("95% interval"),
                                                         tr("PPM importance")});
    m_tags->setToolTip(tr("Judge accuracy against the human majority on the decided instances carrying each tag, "
                          "worst first. Red: the whole 95% interval lies below the judge's overall accuracy. "
                          "Double-click a tag to show its instances."));
    m_tags->setWordWrap(false);
    m_tags->horizontalHeader()->setStretchLastSection(false);
    m_tags->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tags->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    connect(m_tags, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (QTableWidgetItem *item = m_tags->item(row, 0))
            Q_EMIT showInstances({item->data(Qt::UserRole).toString()});
    });

    m_confusion = new QTableWidget(5, 5);
    m_confusion->setObjectName(QStringLiteral("confusionTable"));
    m_confusion->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_confusion->setSelectionMode(QAbstractItemView::NoSelection);
    m_confusion->setFocusPolicy(Qt::NoFocus);
    QStringList grades;
    for (int v = -2; v <= 2; ++v)
        grades << gradeText(v);
    m_confusion->setHorizontalHeaderLabels(grades);
    m_confusion->setVerticalHeaderLabels(grades);
    m_confusion->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusion->verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusion->setToolTip(tr("Rows: the human 5-point median; columns: the judge's verdict. Each cell: count and "
                               "share of its row; shaded by that share."));
    m_confusion->setMinimumSize(420, 260);
    auto *axes = new QLabel(tr("Rows: human median · Columns: judge"));
    auto *confusionBox = new QWidget;
    auto *cl = new QVBoxLayout(confusionBox);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->addWidget(axes);
    cl->addWidget(m_confusion, 1);
    cl->addWidget(m_grades);

    auto *headlineBox = new QWidget;
    auto *hl = new QVBoxLayout(headlineBox);
    hl->setContentsMargins(0, 0, 0, 0);
    hl->addWidget(m_headline);
    hl->addWidget(m_position);

    auto *left = new QWidget;
    auto *ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(view::boxed(tr("Against the human majority"), headlineBox));
    auto *tagBox = new QWidget;
    auto *tl = new QVBoxLayout(tagBox);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->addWidget(m_tags, 1);
    tl->addWidget(m_ppmNote);
    ll->addWidget(view::boxed(tr("Accuracy per tag (worst first)"), tagBox), 1);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(view::boxed(tr("Confusion matrix, 5-point scale"), confusionBox));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    setBody(split);

    connect(m_importanceTasks, &TaskController::failed, this, [this](const QString &message) {
        m_importanceNote = tr("PPM importance failed: %1").arg(message);
        fillTags(m_judge->currentIndex());
    });
}

CalibrationView::~CalibrationView() = default;

QString CalibrationView::title() const
{
    return tr("Calibration");
}

void CalibrationView::clearReport()
{
    m_importanceTasks->cancel();
    m_report.reset();
    m_importance.clear();
    m_importanceNote.clear();
}

void CalibrationView::startReport(const QString &projectPath, const std::optional<Split> &split)
{
    startFor(
        tasks(), projectPath, tr("Calibration"),
        [split](ProjectStore &store, Feedback &) -> std::any {
            return labels::computeCalibration(loadLabelTable(store, split));
        },
        [this](std::any &any) {
            m_report = std::make_unique<labels::CalibrationReport>(std::any_cast<labels::CalibrationReport>(any));
            showReport();
        });

    // The newest PPM's feature importance, as the PPM tab computes it (100 carriers per
    // trial, 50 trials, seed 1); none when no PPM was fitted.
    if (m_importanceTasks->isRunning())
        return;
    startFor(
        m_importanceTasks, projectPath, tr("PPM importance"),
        [](ProjectStore &store, Feedback &) -> std::any {
            QHash<QString, double> gains;
            try {
                const ImportanceReport r = importanceReport(store, 100, 0, 1); // trials: the model's default
                for (const routing::FeatureImportance &f : r.importance)
                    gains.insert(f.feature, f.gain);
            } catch (const std::exception &) {
                // no fitted PPM (or no feature table): the column stays empty
            }
            return gains;
        },
        [this](std::any &any) {
            m_importance = std::any_cast<QHash<QString, double>>(any);
            m_importanceNote = m_importance.isEmpty()
                ? tr("PPM importance: no PPM fitted for this project (PPM tab > Fit).")
                : tr("PPM importance: the newest PPM's predicted gain when 100 carriers of the tag go to humans "
                     "(mean of 50 trials, as on the PPM tab).");
            fillTags(m_judge->currentIndex());
        });
}

void CalibrationView::showReport()
{
    {
        const QString previous = m_judge->currentText();
        QSignalBlocker block(m_judge);
        m_judge->clear();
        if (m_report)
            for (const labels::JudgeCalibration &j : m_report->judges)
                m_judge->addItem(j.judge);
        const int again = m_judge->findText(previous);
        m_judge->setCurrentIndex(again >= 0 ? again : (m_judge->count() > 0 ? 0 : -1));
    }
    if (!m_report) {
        view::setMessage(summary(), store() ? QString() : tr("No project open."), false);
    } else {
        const labels::CalibrationReport &r = *m_report;
        view::setMessage(summary(),
                         r.judges.empty() ? tr("%1 instances, %2 with human labels; no judge labels in scope.")
                                                .arg(r.instances)
                                                .arg(r.humanLabelled)
                                          : tr("%1 instances, %2 with human labels; judges: %3.")
                                                .arg(r.instances)
                                                .arg(r.humanLabelled)
                                                .arg(r.judges.size()),
                         false);
    }
    showJudge(m_judge->currentIndex());
}

void CalibrationView::showJudge(int j)
{
    for (int h = 0; h < 5; ++h)
        for (int c = 0; c < 5; ++c)
            m_confusion->setItem(h, c, nullptr);
    const bool valid = m_report && j >= 0 && j < int(m_report->judges.size());
    if (!valid) {
        m_headline->clear();
        m_position->clear();
        m_grades->clear();
        fillTags(-1);
        return;
    }
    const labels::JudgeCalibration &jc = m_report->judges[std::size_t(j)];
    m_headline->setText(
        tr("Accuracy <b>%1</b> (95%: %2) on %3 decided instances")
            .arg(view::number(jc.accuracy), interval(jc.interval))
            .arg(jc.n));
    QString details = tr("%1 labels, %2 unusable, %3 with human labels; human ties left out, the judge's %4 ties "
                         "count as misses.")
                          .arg(jc.labels)
                          .arg(jc.unusable)
                          .arg(jc.overlap)
                          .arg(jc.judgeTies);
    if (jc.position)
        details += QLatin1Char('\n')
            + tr("Position consistency %1: %2 of %3 both-order verdicts agree.")
                  .arg(view::number(jc.position->consistency))
                  .arg(jc.position->consistent)
                  .arg(jc.position->both);
    else
        details += QLatin1Char('\n') + tr("Position consistency: no both-order verdicts for this judge.");
    m_position->setText(details);

    const labels::Confusion5 &m = jc.confusion;
    for (int h = -2; h <= 2; ++h)
        for (int c = -2; c <= 2; ++c) {
            const double share = m.rowShare(h, c);
            auto *item = new QTableWidgetItem(
                m.rowTotal(h) == 0 ? QStringLiteral("0")
                                   : QStringLiteral("%1\n%2%").arg(m.cell(h, c)).arg(view::number(100.0 * share, 0)));
            item->setTextAlignment(Qt::AlignCenter);
            item->setBackground(shade(share));
            item->setForeground(!std::isnan(share) && share > 0.6 ? QColor(Qt::white) : QColor(Qt::black));
            item->setData(Qt::UserRole, qint64(m.cell(h, c)));
            if (h == c) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            item->setToolTip(tr("Humans %1, judge %2: %3 of %4")
                                 .arg(gradeText(h), gradeText(c))
                                 .arg(m.cell(h, c))
                                 .arg(m.rowTotal(h)));
            m_confusion->setItem(h + 2, c + 2, item);
        }
    m_grades->setText(tr("%1 instances. Same grade %2, within one grade %3.")
                          .arg(m.n)
                          .arg(view::number(m.exact()), view::number(m.withinOne())));
    fillTags(j);
}

void CalibrationView::fillTags(int j)
{
    m_tags->setRowCount(0);
    m_ppmNote->setText(m_importanceNote);
    if (!m_report || j < 0 || j >= int(m_report->judges.size()))
        return;
    const labels::JudgeCalibration &jc = m_report->judges[std::size_t(j)];
    if (!m_report->featuresComputed) {
        m_ppmNote->setText(tr("No tags: compute the features first (Features tab)."));
        return;
    }
    m_tags->setRowCount(int(jc.perTag.size()));
    for (int i = 0; i < int(jc.perTag.size()); ++i) {
        const labels::TagCalibration &t = jc.perTag[std::size_t(i)];
        const auto gain = m_importance.constFind(t.tag);
        const QStringList cells{featureDisplayName(t.tag), QString::number(t.n), view::number(t.accuracy),
                                interval(t.interval),
                                gain == m_importance.constEnd() ? QStringLiteral("–") : view::number(*gain, 4)};
        for (int c = 0; c < cells.size(); ++c) {
            QTableWidgetItem *item = view::tableCell(cells[c], c == 0 ? QVariant(t.tag) : QVariant());
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (t.belowOverall) {
                item->setBackground(kBelow);
                item->setToolTip(tr("The 95% interval lies below the judge's overall accuracy %1")
                                     .arg(view::number(jc.accuracy)));
            }
            m_tags->setItem(i, c, item);
        }
    }
}

} // namespace hyper
