// SPDX-License-Identifier: GPL-3.0-or-later
// The importers' failure paths: bad input (FILE:LINE messages, nothing written),
// --skip-bad-rows, cancel, the preview's warnings, and streaming of files of several MB.
// Golden files: tests/data/import (written by tests/data/import/generate.py).

#include "core/io/importer.h"
#include "core/io/linereader.h"
#include "core/io/rowsource.h"
#include "tests/core/importtesthelpers.h"
#include "core/jobs/feedback.h"
#include "core/storage/projectstore.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

using namespace hyper;
using namespace hyper::testing;

namespace {

/** Writes text to path, gzip-compressed when gz; false on any failure. */
bool writeFile(const QString &path, const QByteArray &text, bool gz)
{
    if (gz) {
        gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
        if (!f)
            return false;
        const bool wrote = gzwrite(f, text.constData(), unsigned(text.size())) == int(text.size());
        return gzclose(f) == Z_OK && wrote;
    }
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

} // namespace

class TestIoErrors : public QObject, private ImportTestBase
{
    Q_OBJECT

private Q_SLOTS:
    void badInputChangesNothing_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QStringList>("map");
        QTest::addColumn<QString>("what"); // after "FILE"

        const QStringList label{QStringLiteral("human=label")};
        QTest::newRow("malformed JSON on line 3")
            << "bad_json_line3.jsonl" << "auto" << label
            << ":3: malformed JSON at column 37: unexpected '\"', expected ',' or '}'";
        QTest::newRow("missing field")
            << "missing_field.jsonl" << "auto" << label
            << ":2: missing field 'response_b' (looked for: response_b, response2, response_2, output_2, answer_2, "
               "answer_b, completion_b)";
        QTest::newRow("malformed, explicit format") << "some_bad.jsonl" << "generic" << QStringList()
                                        << ":2: malformed JSON at column 12: unexpected 'o', expected a value";
        QTest::newRow("unknown label") << "unknown_label.jsonl" << "auto" << label
                                       << ":2: unknown label value 'maybe' in column 'label'";
        QTest::newRow("invalid UTF-8") << "bad_utf8.jsonl" << "auto" << label << ":2: invalid UTF-8 at byte 16";
        QTest::newRow("not an object") << "not_object.jsonl" << "auto" << label
                                       << ":2: expected a JSON object, got an array";
        QTest::newRow("empty file") << "empty.jsonl" << "auto" << QStringList() << ":1: file is empty (no rows)";
        QTest::newRow("blank lines only") << "blank.jsonl" << "auto" << QStringList() << ":1: file is empty (no rows)";
        QTest::newRow("empty array") << "empty_array.json" << "auto" << QStringList()
                                     << ":1: file is empty (no rows)";
        QTest::newRow("bad element in a JSON array")
            << "bad_array.json" << "auto" << QStringList() << ":4: malformed JSON at column 18: invalid literal, expected 'true'";
        QTest::newRow("unterminated CSV quote")
            << "unterminated.csv" << "auto" << QStringList()
            << ":3: unterminated quoted field (the quote opened on this line is never closed)";
        QTest::newRow("truncated gzip") << "truncated.jsonl.gz" << "auto" << QStringList()
                                        << ": truncated gzip data (the file ends inside a compressed stream)";
        QTest::newRow("unknown format") << "pairs_strings.jsonl" << "nope" << QStringList()
                                        << ": unknown format 'nope' (known: auto, multipref, pandalm, llmbar, prd, "
                                           "llmeval2, lfqa, evalbiasbench, hhh, pairs, generic)";
        QTest::newRow("unknown map field") << "pairs_strings.jsonl" << "auto" << QStringList{QStringLiteral("answer=x")}
                                           << ": unknown --map field 'answer' (known: id, prompt, input, response_a, "
                                              "response_b, model_a, model_b, source, category, chosen, rejected, split, "
                                              "human, human:ANNOTATOR, lm:JUDGE, annotator, annotator_kind, time, "
                                              "rationale, confidence, aspect:NAME, instance)";
        QTest::newRow("mapped column absent")
            << "pairs_strings.jsonl" << "auto" << QStringList{QStringLiteral("human:bob=verdict")}
            << ":1: column 'verdict' named in --map is not in the file (columns: prompt, chosen, rejected)";
        QTest::newRow("undetectable") << "generic_map.jsonl" << "auto" << QStringList()
                                      << ":1: cannot detect the format from the keys of the first record (q, left, "
                                         "right, who, judge_says, prompt); use --format (one of: multipref, pandalm, "
                                         "llmbar, prd, llmeval2, lfqa, evalbiasbench, hhh, pairs, generic) or --map "
                                         "prompt=, response_a=, response_b=";
    }

    void badInputChangesNothing()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(QStringList, map);
        QFETCH(QString, what);
        auto store = newStore();
        const ImportParams p = params(file, format, map);
        try {
            import(*store, p);
            QFAIL("no ImportError");
        } catch (const ImportError &e) {
            // Some messages go on with advice (the unknown label's --label-map hint).
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(p.file + what), e.what());
            QCOMPARE(e.file(), p.file);
        }
        const ProjectInfo info = store->info();
        QCOMPARE(info.instances, qint64(0));
        QCOMPARE(info.evalInstances, qint64(0));
        QCOMPARE(info.humanLabels, qint64(0));
        QCOMPARE(info.lmLabels, qint64(0));
        QVERIFY(info.annotators.isEmpty());
    }

    void skipBadRows()
    {
        ImportParams p = params(QStringLiteral("some_bad.jsonl"), QStringLiteral("auto"), {QStringLiteral("human=label")});
        p.skipBadRows = true;
        auto store = newStore();
        const ImportResult r = import(*store, p);
        QCOMPARE(r.imported, qint64(3));
        QCOMPARE(r.skipped, qint64(2));
        QCOMPARE(r.issues.size(), size_t(2));
        QCOMPARE(r.issues[0].line, qint64(2));
        QVERIFY2(r.issues[0].message.startsWith(QStringLiteral("malformed JSON")), qPrintable(r.issues[0].message));
        QCOMPARE(r.issues[1].line, qint64(4));
        QVERIFY2(r.issues[1].message.startsWith(QStringLiteral("missing field 'prompt'")), qPrintable(r.issues[1].message));
        QCOMPARE(store->info().instances, qint64(3));
        const auto inst = allInstances(*store);
        QCOMPARE(inst[2].prompt, QStringLiteral("p5"));
    }

    void skipBadRowsOnOtherKinds()
    {
        // A bad first line does not stop detection; bad UTF-8 and bad array elements skip.
        auto store = newStore();
        ImportParams p = params(QStringLiteral("bad_utf8.jsonl"), QStringLiteral("auto"), {QStringLiteral("human=label")});
        p.skipBadRows = true;
        ImportResult r = import(*store, p);
        QCOMPARE(r.imported, qint64(2));
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].message, QStringLiteral("invalid UTF-8 at byte 16"));

        store = newStore();
        p = params(QStringLiteral("bad_array.json"));
        p.skipBadRows = true;
        r = import(*store, p);
        QCOMPARE(r.imported, qint64(2));
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].line, qint64(4));
    }

    void cancelWritesNothing()
    {
        auto store = newStore();
        Feedback feedback;
        feedback.cancel();
        bool canceled = false;
        try {
            runImport(*store, params(QStringLiteral("multipref.jsonl")), feedback);
        } catch (const Canceled &) {
            canceled = true;
        }
        QVERIFY(canceled);
        QCOMPARE(store->info().instances, qint64(0));
        QCOMPARE(store->info().humanLabels, qint64(0));
    }

    void cancelMidwayWritesNothing()
    {
        const QString path = m_dir.filePath(QStringLiteral("cancel.jsonl"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 20000; ++i)
                f.write("{\"prompt\": \"p\", \"response_a\": \"a\", \"response_b\": \"b\"}\n");
        }
        auto store = newStore();
        Feedback *self = nullptr;
        Feedback feedback([&](double f, const QString &) {
            if (f > 0 && f < 1)
                self->cancel(); // from inside the import, after some batches were written
        }, 0);
        self = &feedback;
        ImportParams p;
        p.file = path;
        bool canceled = false;
        try {
            runImport(*store, p, feedback);
        } catch (const Canceled &) {
            canceled = true;
        }
        QVERIFY(canceled);
        QCOMPARE(store->info().instances, qint64(0));
        // The project is still usable afterwards.
        Feedback again;
        QCOMPARE(runImport(*store, params(QStringLiteral("hhh.jsonl")), again).imported, qint64(2));
    }

    void previewWarnsAndDoesNotWrite()
    {
        const ImportPreview preview = previewImport(params(QStringLiteral("some_bad.jsonl")), 10);
        QCOMPARE(preview.format, QStringLiteral("generic"));
        QCOMPARE(preview.columns, QStringList({QStringLiteral("prompt"), QStringLiteral("response_a"),
                                               QStringLiteral("response_b"), QStringLiteral("label")}));
        QCOMPARE(preview.mapping.value(QStringLiteral("prompt")), QStringLiteral("prompt"));
        QCOMPARE(preview.rows.size(), size_t(3));
        QVERIFY(preview.warnings.filter(QStringLiteral("line 2: malformed JSON")).size() == 1);
        QVERIFY(preview.warnings.filter(QStringLiteral("line 4: missing field 'prompt'")).size() == 1);
        QVERIFY(preview.warnings.filter(QStringLiteral("no labels")).size() == 1);
        QVERIFY(preview.warnings.filter(QStringLiteral("kept as metadata: label")).size() == 1);

        const ImportPreview limited = previewImport(params(QStringLiteral("hh_transcripts.jsonl.gz")), 1);
        QCOMPARE(limited.rows.size(), size_t(1));
    }

    void largeFilesStream_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("jsonl") << "jsonl";
        QTest::newRow("json array") << "json";
        QTest::newRow("csv") << "csv";
    }

    void largeFilesStream()
    {
        // Several MB, so that reads cross buffer boundaries and batches queue up.
        QFETCH(QString, kind);
        const int rows = 6000;
        const QString path = m_dir.filePath(QStringLiteral("large.") + kind);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            const QByteArray filler(700, 'x');
            if (kind == QLatin1String("json"))
                f.write("[");
            if (kind == QLatin1String("csv"))
                f.write("id,prompt,response_a,response_b,label\n");
            for (int i = 0; i < rows; ++i) {
                const QByteArray n = QByteArray::number(i);
                if (kind == QLatin1String("csv")) {
                    f.write(n + ",\"p" + n + "\n" + filler + "\",a" + n + filler + ",b" + n + ",2\n");
                } else {
                    if (kind == QLatin1String("json") && i)
                        f.write(",");
                    f.write("{\"id\":\"" + n + "\",\"prompt\":\"p" + n + "\\n" + filler + "\",\"response_a\":\"a" + n
                            + filler + "\",\"response_b\":\"b" + n + "\",\"label\":2}");
                    if (kind == QLatin1String("jsonl"))
                        f.write("\n");
                }
            }
            if (kind == QLatin1String("json"))
                f.write("]");
        }
        ImportParams p;
        p.file = path;
        p.map.insert(QStringLiteral("human"), QStringLiteral("label"));
        auto store = newStore();
        double last = 0;
        int calls = 0;
        Feedback feedback([&](double f, const QString &) { last = f; ++calls; }, 0);
        const ImportResult r = runImport(*store, p, feedback);
        QCOMPARE(r.imported, qint64(rows));
        QCOMPARE(last, 1.0);
        QVERIFY(calls >= 2);
        QCOMPARE(r.bytes, QFileInfo(path).size());
        const auto list = store->listInstances({}, rows - 1, 1);
        const auto inst = store->instance(list.front().id);
        QCOMPARE(inst->externalId, QString::number(rows - 1));
        QCOMPARE(inst->prompt, QStringLiteral("p%1\n").arg(rows - 1) + QString(700, QLatin1Char('x')));
        QCOMPARE(store->info().humanLabels, qint64(rows));
        QCOMPARE(store->humanLabels(inst->id).front().overall, Preference::BClearly);
    }

    // Issue 21: an endless line (a gzip bomb: a few KB that inflate to one line of many
    // MB) is refused at the limit, naming the file and the line, before its memory is
    // spent: the buffer never grows past the limit plus one read.
    void endlessLineIsRefusedAtTheLimit()
    {
        const QString path = m_dir.filePath(QStringLiteral("bomb.jsonl.gz"));
        {
            gzFile gz = gzopen(QFile::encodeName(path).constData(), "wb9");
            QVERIFY(gz);
            QVERIFY(gzputs(gz, "{\"prompt\":\"p\",\"response_a\":\"a\",\"response_b\":\"b\"}\n") > 0);
            const QByteArray zeros(1 << 20, '\0');
            for (int i = 0; i < 64; ++i) // 64 MB of NUL bytes on line 2, never ended
                QCOMPARE(gzwrite(gz, zeros.constData(), unsigned(zeros.size())), zeros.size());
            QCOMPARE(gzclose(gz), Z_OK);
        }
        QVERIFY(QFileInfo(path).size() < 200 * 1024);
        constexpr std::size_t limit = std::size_t(4) << 20;
        LineReader reader(path, QStringLiteral("bomb.jsonl.gz"));
        reader.setMaxLineBytes(limit);
        std::string_view line;
        QVERIFY(reader.next(line)); // the first line is fine
        try {
            reader.next(line);
            QFAIL("no ImportError for a 64 MB line with a 4 MiB limit");
        } catch (const ImportError &e) {
            QCOMPARE(e.file(), QStringLiteral("bomb.jsonl.gz"));
            QCOMPARE(e.line(), qint64(2));
            QVERIFY2(e.message().contains(QStringLiteral("longer than 4 MiB")), qPrintable(e.message()));
        }
        QVERIFY2(reader.bufferBytes() <= limit + 2, qPrintable(QString::number(reader.bufferBytes())));

        // Through the importer: the same error, and nothing written.
        auto store = newStore();
        ImportParams p;
        p.file = path;
        p.maxLineBytes = limit;
        try {
            import(*store, p);
            QFAIL("no ImportError");
        } catch (const ImportError &e) {
            QCOMPARE(e.line(), qint64(2));
        }
        QCOMPARE(store->info().instances, qint64(0));
        // A line under the limit is read whole.
        ImportParams roomy;
        roomy.file = m_dir.filePath(QStringLiteral("long.jsonl"));
        {
            QFile f(roomy.file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"prompt\":\"" + QByteArray(3 << 20, 'p') + "\",\"response_a\":\"a\",\"response_b\":\"b\"}\n");
        }
        roomy.maxLineBytes = limit;
        auto other = newStore();
        QCOMPARE(import(*other, roomy).imported, qint64(1));
    }

    // The limit counts a line's bytes without its "\n" or "\r\n", whatever its size next to
    // the read buffer (the fuzz target "lines" found small limits unchecked).
    void lineLimitIsExact_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("badLine"); // 0: all read
        QTest::newRow("at the limit") << QByteArray("abcd\nefgh\n") << 4 << 0;
        QTest::newRow("one over") << QByteArray("abcd\nefghi\nj\n") << 4 << 2;
        QTest::newRow("crlf not counted") << QByteArray("abcd\r\nefgh\r\n") << 4 << 0;
        QTest::newRow("last line, no newline") << QByteArray("ab\nabcde") << 4 << 2;
        QTest::newRow("last line ends in cr") << QByteArray("ab\nabcd\r") << 4 << 0;
        QTest::newRow("zero: empty lines only") << QByteArray("\n\r\n\nx\n") << 0 << 4;
    }
    void lineLimitIsExact()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, limit);
        QFETCH(int, badLine);
        for (const bool gz : {false, true}) {
            const QString path = m_dir.filePath(gz ? QStringLiteral("exact.txt.gz") : QStringLiteral("exact.txt"));
            QVERIFY(writeFile(path, text, gz));
            LineReader reader(path, QStringLiteral("exact"));
            reader.setMaxLineBytes(std::size_t(limit));
            std::string_view line;
            int read = 0;
            try {
                while (reader.next(line)) {
                    QVERIFY(line.size() <= std::size_t(limit));
                    ++read;
                }
                QCOMPARE(badLine, 0);
            } catch (const ImportError &e) {
                QCOMPARE(e.line(), qint64(badLine));
                QCOMPARE(read, badLine - 1);
                QVERIFY2(e.message().contains(QStringLiteral("longer than %1 bytes").arg(limit)), qPrintable(e.message()));
            }
        }
    }

    // Lines just at and just over a limit past the first buffer (1 MiB), so that the buffer
    // grows up to its cap (the limit plus "\r" and one byte), plain and gzip.
    void lineLimitWhileGrowing_data()
    {
        constexpr int limit = (1 << 20) + 5;
        const QByteArray at(limit, 'x');
        const QByteArray over(limit + 1, 'x');
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("badLine"); // 0: all read
        QTest::newRow("at, crlf") << at + "\r\nok\n" << 0;
        QTest::newRow("over, crlf") << over + "\r\n" << 1;
        QTest::newRow("over, lf") << "y\n" + over + "\n" << 2;
        QTest::newRow("at, cr at the end") << "y\n" + at + "\r" << 0;
        QTest::newRow("two over at the end") << at + "xx" << 1;
    }
    void lineLimitWhileGrowing()
    {
        constexpr std::size_t limit = (std::size_t(1) << 20) + 5;
        QFETCH(QByteArray, text);
        QFETCH(int, badLine);
        for (const bool gz : {false, true}) {
            const QString path = m_dir.filePath(gz ? QStringLiteral("grow.txt.gz") : QStringLiteral("grow.txt"));
            QVERIFY(writeFile(path, text, gz));
            LineReader reader(path, QStringLiteral("grow"));
            reader.setMaxLineBytes(limit);
            std::string_view line;
            std::size_t longest = 0;
            try {
                while (reader.next(line))
                    longest = std::max(longest, line.size());
                QCOMPARE(badLine, 0);
                QCOMPARE(longest, limit);
            } catch (const ImportError &e) {
                QCOMPARE(e.line(), qint64(badLine));
            }
            QVERIFY2(reader.bufferBytes() <= limit + 2, qPrintable(QString::number(reader.bufferBytes())));
        }
    }

    // A CSV record spans lines while a quote is open: its lines together have the limit.
    void csvRecordLimit()
    {
        const QString path = m_dir.filePath(QStringLiteral("open_quote.csv"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray text("prompt,response_a,response_b\np,a,b\np,\"never closed\n");
            for (int i = 0; i < 200; ++i)
                text += "more text on another line\n";
            text += "\",b\n";
            f.write(text);
        }
        const auto source = RowSource::open(path, QStringLiteral("open_quote.csv"), 0, 1000);
        SourceRow row;
        QVERIFY(source->next(row));
        QVERIFY(!row.bad);
        try {
            source->next(row);
            QFAIL("no ImportError for a 5,000-byte record with a 1,000-byte limit");
        } catch (const ImportError &e) {
            QCOMPARE(e.line(), qint64(3));
            QVERIFY2(e.message().contains(QStringLiteral("record that starts on this line is longer than 1000 bytes")),
                     qPrintable(e.message()));
        }
        // With room for it, the quoted field holds the 200 lines.
        const auto roomy = RowSource::open(path, QStringLiteral("open_quote.csv"), 0, 100000);
        QVERIFY(roomy->next(row));
        QVERIFY(roomy->next(row));
        QVERIFY(!row.bad);
        QCOMPARE(std::count(row.value.find("response_a")->text.begin(), row.value.find("response_a")->text.end(), '\n'),
                 qsizetype(201));
    }

    // A JSON array's element is held whole, so it has the line's limit too.
    void arrayElementLimit()
    {
        const QString path = m_dir.filePath(QStringLiteral("elements.json"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("[\n{\"prompt\": \"p\", \"response_a\": \"a\", \"response_b\": \"b\"},\n{\"prompt\": \""
                    + QByteArray(5000, 'x') + "\", \"response_a\": \"a\", \"response_b\": \"b\"}\n]\n");
        }
        const auto source = RowSource::open(path, QStringLiteral("elements.json"), 0, 1000);
        SourceRow row;
        QVERIFY(source->next(row));
        QVERIFY(!row.bad);
        try {
            source->next(row);
            QFAIL("no ImportError for a 5,000-byte element with a 1,000-byte limit");
        } catch (const ImportError &e) {
            QCOMPARE(e.file(), QStringLiteral("elements.json"));
            QCOMPARE(e.line(), qint64(3));
            QVERIFY2(e.message().contains(QStringLiteral("element that starts on this line is longer than 1000 bytes")),
                     qPrintable(e.message()));
        }
        // With room for it, it is read.
        const auto roomy = RowSource::open(path, QStringLiteral("elements.json"), 0, 10000);
        QVERIFY(roomy->next(row));
        QVERIFY(roomy->next(row));
        QVERIFY(!row.bad);
        QCOMPARE(row.value.find("prompt")->text.size(), std::size_t(5000));
    }
};

QTEST_GUILESS_MAIN(TestIoErrors)
#include "tst_io_errors.moc"
