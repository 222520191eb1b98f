// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/labels/worddiff.h"

#include <QHash>
#include <QStringView>
#include <algorithm>

namespace hyper::labels {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c.isMark() || c == QLatin1Char('_');
}

} // namespace

std::vector<TextRange> wordTokens(const QString &text)
{
    std::vector<TextRange> out;
    const int n = int(text.size());
    int i = 0;
    while (i < n) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        int j = i + 1;
        if (isWordChar(c)) {
            while (j < n && isWordChar(text.at(j)))
                ++j;
        } else if (c.isHighSurrogate() && j < n && text.at(j).isLowSurrogate()) {
            ++j; // one symbol outside the BMP (an emoji) is one token
        }
        out.push_back({i, j - i});
        i = j;
    }
    return out;
}

WordDiff wordDiff(const QString &a, const QString &b, int maxEdits)
{
    WordDiff result;
    const std::vector<TextRange> ta = wordTokens(a);
    const std::vector<TextRange> tb = wordTokens(b);
    result.tokensA = int(ta.size());
    result.tokensB = int(tb.size());

    // Tokens as integers: equal text, equal id.
    QHash<QStringView, int> ids;
    auto intern = [&ids](const QString &text, const std::vector<TextRange> &tokens) {
        std::vector<int> out;
        out.reserve(tokens.size());
        for (const TextRange &t : tokens) {
            const QStringView view = QStringView(text).mid(t.start, t.length);
            auto it = ids.constFind(view);
            if (it == ids.constEnd())
                it = ids.insert(view, int(ids.size()));
            out.push_back(*it);
        }
        return out;
    };
    const std::vector<int> xa = intern(a, ta);
    const std::vector<int> xb = intern(b, tb);

    // Common prefix and suffix need no search.
    int lo = 0;
    while (lo < int(xa.size()) && lo < int(xb.size()) && xa[std::size_t(lo)] == xb[std::size_t(lo)])
        ++lo;
    int hiA = int(xa.size()), hiB = int(xb.size());
    while (hiA > lo && hiB > lo && xa[std::size_t(hiA - 1)] == xb[std::size_t(hiB - 1)]) {
        --hiA;
        --hiB;
    }
    const int n = hiA - lo, m = hiB - lo;
    const int *sa = xa.data() + lo;
    const int *sb = xb.data() + lo;
    result.common = lo + (int(xa.size()) - hiA);

    auto markAll = [&] {
        for (int i = 0; i < n; ++i)
            result.onlyInA.push_back(ta[std::size_t(lo + i)]);
        for (int j = 0; j < m; ++j)
            result.onlyInB.push_back(tb[std::size_t(lo + j)]);
    };
    if (n == 0 || m == 0) {
        markAll();
        return result;
    }

    // Myers' greedy forward search. v[k + off] is the furthest x on diagonal k = x - y;
    // trace[d] keeps v for k = -d, -d+2, ..., d after step d, for the backtrack.
    const int maxD = std::min(std::max(maxEdits, 0), n + m);
    const int off = maxD + 1;
    std::vector<int> v(std::size_t(2 * maxD + 3), 0);
    std::vector<std::vector<int>> trace;
    int found = -1;
    for (int d = 0; d <= maxD && found < 0; ++d) {
        for (int k = -d; k <= d; k += 2) {
            int x;
            if (k == -d || (k != d && v[std::size_t(off + k - 1)] < v[std::size_t(off + k + 1)]))
                x = v[std::size_t(off + k + 1)]; // down: a token of b inserted
            else
                x = v[std::size_t(off + k - 1)] + 1; // right: a token of a deleted
            int y = x - k;
            while (x < n && y < m && sa[x] == sb[y]) {
                ++x;
                ++y;
            }
            v[std::size_t(off + k)] = x;
            if (x >= n && y >= m) {
                found = d;
                break;
            }
        }
        std::vector<int> snap(std::size_t(d + 1));
        for (int k = -d, i = 0; k <= d; k += 2, ++i)
            snap[std::size_t(i)] = v[std::size_t(off + k)];
        trace.push_back(std::move(snap));
    }
    if (found < 0) {
        result.exact = false;
        markAll();
        return result;
    }

    // Backtrack from (n, m): each step d undoes one edit and the snake before it.
    std::vector<int> delA, insB;
    int x = n, y = m;
    for (int d = found; d > 0; --d) {
        const std::vector<int> &prev = trace[std::size_t(d - 1)];
        auto at = [&prev, d](int k) { return prev[std::size_t((k + d - 1) / 2)]; };
        const int k = x - y;
        const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));
        const int pk = down ? k + 1 : k - 1;
        const int px = at(pk);
        const int py = px - pk;
        if (down)
            insB.push_back(py);
        else
            delA.push_back(px);
        x = px;
        y = py;
    }
    std::reverse(delA.begin(), delA.end());
    std::reverse(insB.begin(), insB.end());
    for (int i : delA)
        result.onlyInA.push_back(ta[std::size_t(lo + i)]);
    for (int j : insB)
        result.onlyInB.push_back(tb[std::size_t(lo + j)]);
    result.common += n - int(delA.size());
    return result;
}

} // namespace hyper::labels
