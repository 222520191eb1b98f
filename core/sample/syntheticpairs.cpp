// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sample/syntheticpairs.h"

#include <QFile>
#include <random>
#include <stdexcept>

namespace hyper::synth {

namespace {

const char *const kSyllables[] = {"ka", "ro", "mi", "ten", "sul", "va", "dor", "pe", "lin", "qua",
                                  "zo", "ber", "fi", "gra", "hul", "ny", "os", "tri", "ux", "wel"};

std::string words(std::mt19937_64 &rng, size_t bytes)
{
    std::string out;
    out.reserve(bytes + 16);
    std::uniform_int_distribution<int> syl(0, 19), len(1, 3), punct(0, 11);
    while (out.size() < bytes) {
        const int n = len(rng);
        for (int i = 0; i < n; ++i)
            out += kSyllables[syl(rng)];
        const int p = punct(rng);
        out += p == 0 ? ". " : p == 1 ? ", " : " ";
    }
    return out;
}

void appendJsonString(QByteArray &out, const std::string &s)
{
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

} // namespace

std::vector<ImportRecord> makePairs(std::int64_t n, std::uint64_t seed, int bytesPerPair)
{
    std::mt19937_64 rng(seed);
    std::vector<ImportRecord> out;
    out.reserve(size_t(n));
    const size_t promptBytes = size_t(bytesPerPair) * 15 / 100;
    const size_t responseBytes = size_t(bytesPerPair) * 40 / 100;
    for (std::int64_t i = 0; i < n; ++i) {
        ImportRecord r;
        r.line = i + 1;
        r.externalId = "syn-" + std::to_string(i);
        r.prompt = words(rng, promptBytes);
        r.responseA = words(rng, responseBytes);
        r.responseB = words(rng, responseBytes);
        r.modelA = "model-" + std::to_string(rng() % 7);
        r.modelB = "model-" + std::to_string(rng() % 7);
        r.source = "synthetic-" + std::to_string(rng() % 5);
        out.push_back(std::move(r));
    }
    return out;
}

std::int64_t writeJsonl(const QString &path, const std::vector<ImportRecord> &records)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        throw std::runtime_error((QStringLiteral("cannot write ") + path + QStringLiteral(": ") + f.errorString()).toStdString());
    QByteArray line;
    std::int64_t total = 0;
    for (const ImportRecord &r : records) {
        line.clear();
        line += "{\"id\":";
        appendJsonString(line, r.externalId);
        line += ",\"prompt\":";
        appendJsonString(line, r.prompt);
        line += ",\"response_a\":";
        appendJsonString(line, r.responseA);
        line += ",\"response_b\":";
        appendJsonString(line, r.responseB);
        line += ",\"model_a\":";
        appendJsonString(line, r.modelA);
        line += ",\"model_b\":";
        appendJsonString(line, r.modelB);
        line += ",\"source\":";
        appendJsonString(line, r.source);
        line += "}\n";
        if (f.write(line) != line.size())
            throw std::runtime_error((QStringLiteral("cannot write ") + path + QStringLiteral(": ") + f.errorString()).toStdString());
        total += line.size();
    }
    return total;
}

} // namespace hyper::synth
