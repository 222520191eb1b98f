// SPDX-License-Identifier: GPL-3.0-or-later
// The importers' own JSON parser (core/io/jsonparser.h): values, escapes, UTF-8
// validation and the positions of errors.

#include "core/io/jsonparser.h"
#include "core/io/jsonvalue.h"

#include <QtTest>

using namespace hyper;

namespace {

std::string_view view(const QByteArray &b) { return std::string_view(b.constData(), size_t(b.size())); }

} // namespace

class TestJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesValues_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("compact"); // what appendJson writes back

        QTest::newRow("empty object") << QByteArray("{}") << QByteArray("{}");
        QTest::newRow("empty array") << QByteArray(" [ ] ") << QByteArray("[]");
        QTest::newRow("literals") << QByteArray("[true,false,null]") << QByteArray("[true,false,null]");
        QTest::newRow("integers") << QByteArray("[0, -0, 7, -12, 123456789012]")
                                  << QByteArray("[0,-0,7,-12,123456789012]");
        QTest::newRow("fractions and exponents") << QByteArray("[1.5, -0.25, 1e10, 2E-3, 6.02e+23]")
                                                 << QByteArray("[1.5,-0.25,1e10,2E-3,6.02e+23]");
        QTest::newRow("nesting") << QByteArray("{\"a\": {\"b\": [1, [2, {\"c\": []}]]}, \"d\": \"e\"}")
                                 << QByteArray("{\"a\":{\"b\":[1,[2,{\"c\":[]}]]},\"d\":\"e\"}");
        QTest::newRow("member order kept") << QByteArray("{\"z\":1,\"a\":2,\"m\":3}")
                                           << QByteArray("{\"z\":1,\"a\":2,\"m\":3}");
        QTest::newRow("whitespace everywhere") << QByteArray("\r\n\t{ \"a\" :\n1 ,\"b\"\t: [ 2 ] }\n")
                                               << QByteArray("{\"a\":1,\"b\":[2]}");
        QTest::newRow("escapes re-escaped") << QByteArray("[\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"]")
                                            << QByteArray("[\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\"]");
        QTest::newRow("control as \\u") << QByteArray("[\"\\u0001\"]") << QByteArray("[\"\\u0001\"]");
        QTest::newRow("non-ASCII kept as UTF-8") << QByteArray("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]")
                                                 << QByteArray("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]");
    }

    void parsesValues()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, compact);
        JsonParser parser;
        JsonValue v;
        QVERIFY2(parser.parse(view(input), v), parser.error().message.c_str());
        QCOMPARE(QByteArray::fromStdString(toJson(v)), compact);
    }

    void decodesStrings_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("utf8");

        QTest::newRow("plain") << QByteArray("\"hello\"") << QByteArray("hello");
        QTest::newRow("simple escapes") << QByteArray("\"a\\nb\\tc\\\"d\\\\e\\/f\"") << QByteArray("a\nb\tc\"d\\e/f");
        QTest::newRow("\\u ASCII") << QByteArray("\"\\u0041\\u0062\"") << QByteArray("Ab");
        QTest::newRow("\\u two bytes") << QByteArray("\"\\u00e9\"") << QByteArray("\xc3\xa9");
        QTest::newRow("\\u three bytes") << QByteArray("\"\\u20AC\"") << QByteArray("\xe2\x82\xac");
        QTest::newRow("surrogate pair") << QByteArray("\"\\ud83d\\ude00\"") << QByteArray("\xf0\x9f\x98\x80");
        QTest::newRow("surrogate pair upper case") << QByteArray("\"x\\uD834\\uDD1Ey\"")
                                                   << QByteArray("x\xf0\x9d\x84\x9ey");
        QTest::newRow("NUL") << QByteArray("\"a\\u0000b\"") << QByteArray("a\0b", 3);
        QTest::newRow("raw UTF-8") << QByteArray("\"\xd0\x9f\xd1\x80\xd0\xb8\"") << QByteArray("\xd0\x9f\xd1\x80\xd0\xb8");
        QTest::newRow("largest code point") << QByteArray("\"\xf4\x8f\xbf\xbf\"") << QByteArray("\xf4\x8f\xbf\xbf");
    }

    void decodesStrings()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, utf8);
        JsonParser parser;
        JsonValue v;
        QVERIFY2(parser.parse(view(input), v), parser.error().message.c_str());
        QVERIFY(v.isString());
        QCOMPARE(QByteArray::fromStdString(v.text), utf8);
    }

    void numbersKeepTheirValue()
    {
        JsonParser parser;
        JsonValue v;
        QVERIFY(parser.parse("[1, -2.5, 3e2, 0.1]", v));
        QCOMPARE(v.items.size(), size_t(4));
        QCOMPARE(v.items[0].number, 1.0);
        QCOMPARE(v.items[1].number, -2.5);
        QCOMPARE(v.items[2].number, 300.0);
        QCOMPARE(v.items[3].number, 0.1);
        QCOMPARE(QByteArray::fromStdString(v.items[2].text), QByteArray("3e2"));
    }

    void objectLookup()
    {
        JsonParser parser;
        JsonValue v;
        QVERIFY(parser.parse("{\"a\": 1, \"b\": {\"c\": \"d\"}}", v));
        QVERIFY(v.find("a") && v.find("a")->isNumber());
        QVERIFY(!v.find("c"));
        QCOMPARE(QByteArray::fromStdString(v.find("b")->find("c")->text), QByteArray("d"));
        QCOMPARE(QByteArray::fromStdString(scalarText(*v.find("b"))), QByteArray("{\"c\":\"d\"}"));
    }

    void reportsErrors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("offset");       // 0-based byte offset of the error
        QTest::addColumn<QString>("message");  // a part of the message
        QTest::addColumn<bool>("encoding");

        QTest::newRow("nothing") << QByteArray("   ") << 3 << QStringLiteral("no JSON value") << false;
        QTest::newRow("missing value") << QByteArray("{\"a\":}") << 5 << QStringLiteral("expected a value") << false;
        QTest::newRow("missing comma") << QByteArray("{\"a\":1 \"b\":2}") << 7 << QStringLiteral("expected ',' or '}'")
                                       << false;
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << 5 << QStringLiteral("expected ':'") << false;
        QTest::newRow("unquoted key") << QByteArray("{a:1}") << 1 << QStringLiteral("member name") << false;
        QTest::newRow("trailing comma in object") << QByteArray("{\"a\":1,}") << 7
                                                  << QStringLiteral("member name") << false;
        QTest::newRow("trailing comma in array") << QByteArray("[1,]") << 3 << QStringLiteral("expected a value")
                                                 << false;
        QTest::newRow("unclosed array") << QByteArray("[1, 2") << 5 << QStringLiteral("end of input") << false;
        QTest::newRow("unclosed object") << QByteArray("{\"a\": 1") << 7 << QStringLiteral("end of input") << false;
        QTest::newRow("unterminated string") << QByteArray("[\"abc") << 1 << QStringLiteral("unterminated string")
                                             << false;
        QTest::newRow("raw line break in string") << QByteArray("[\"ab\ncd\"]") << 4
                                                  << QStringLiteral("line break") << false;
        QTest::newRow("control character") << QByteArray("[\"a\x01\"]") << 3 << QStringLiteral("control character")
                                           << false;
        QTest::newRow("bad escape") << QByteArray("[\"a\\q\"]") << 3 << QStringLiteral("invalid escape") << false;
        QTest::newRow("short \\u") << QByteArray("[\"\\u12\"]") << 2 << QStringLiteral("four hex digits") << false;
        QTest::newRow("lone high surrogate") << QByteArray("[\"\\ud83d x\"]") << 2 << QStringLiteral("unpaired high")
                                             << false;
        QTest::newRow("lone low surrogate") << QByteArray("[\"\\ude00\"]") << 2 << QStringLiteral("unpaired low")
                                            << false;
        QTest::newRow("leading zero") << QByteArray("[012]") << 1 << QStringLiteral("leading zero") << false;
        QTest::newRow("bare minus") << QByteArray("[-]") << 1 << QStringLiteral("invalid number") << false;
        QTest::newRow("dot without digits") << QByteArray("[1.]") << 1 << QStringLiteral("after '.'") << false;
        QTest::newRow("exponent without digits") << QByteArray("[1e+]") << 1 << QStringLiteral("exponent") << false;
        QTest::newRow("bad literal") << QByteArray("[tru]") << 1 << QStringLiteral("invalid literal") << false;
        QTest::newRow("garbage after value") << QByteArray("{} x") << 3 << QStringLiteral("after the value") << false;
        QTest::newRow("single quotes") << QByteArray("['a']") << 1 << QStringLiteral("expected a value") << false;
        QTest::newRow("too deep") << QByteArray(300, '[') << JsonParser::kMaxDepth << QStringLiteral("too deep")
                                  << false;
        // Invalid UTF-8 inside strings.
        QTest::newRow("bad continuation") << QByteArray("[\"caf\xc3\x28\"]") << 5 << QStringLiteral("invalid UTF-8")
                                          << true;
        QTest::newRow("lone continuation") << QByteArray("[\"\x80\"]") << 2 << QStringLiteral("invalid UTF-8") << true;
        QTest::newRow("overlong slash") << QByteArray("[\"\xc0\xaf\"]") << 2 << QStringLiteral("invalid UTF-8") << true;
        QTest::newRow("overlong 3-byte") << QByteArray("[\"\xe0\x80\xaf\"]") << 2 << QStringLiteral("invalid UTF-8")
                                         << true;
        QTest::newRow("encoded surrogate") << QByteArray("[\"\xed\xa0\x80\"]") << 2 << QStringLiteral("invalid UTF-8")
                                           << true;
        QTest::newRow("past U+10FFFF") << QByteArray("[\"\xf4\x90\x80\x80\"]") << 2 << QStringLiteral("invalid UTF-8")
                                       << true;
        QTest::newRow("truncated sequence") << QByteArray("[\"\xe2\x82\"]") << 2 << QStringLiteral("invalid UTF-8")
                                            << true;
        QTest::newRow("latin-1 byte") << QByteArray("{\"k\": \"na\xefve\"}") << 9 << QStringLiteral("invalid UTF-8")
                                      << true;
        QTest::newRow("bad byte in key") << QByteArray("{\"\xff\": 1}") << 2 << QStringLiteral("invalid UTF-8") << true;
    }

    void reportsErrors()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, offset);
        QFETCH(QString, message);
        QFETCH(bool, encoding);
        JsonParser parser;
        JsonValue v;
        QVERIFY(!parser.parse(view(input), v));
        const QString got = QString::fromStdString(parser.error().message);
        QVERIFY2(got.contains(message), qPrintable(got));
        QCOMPARE(int(parser.error().offset), offset);
        QCOMPARE(parser.error().encoding, encoding);
    }

    void parserIsReusableAfterAnError()
    {
        JsonParser parser;
        JsonValue v;
        QVERIFY(!parser.parse("{\"a\":", v));
        QVERIFY(parser.parse("{\"a\":2}", v));
        QCOMPARE(v.find("a")->number, 2.0);
        QVERIFY(parser.error().message.empty());
    }

    void findsInvalidUtf8_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("offset"); // -1: valid

        QTest::newRow("ascii") << QByteArray("plain ascii text that is longer than eight bytes") << -1;
        QTest::newRow("mixed valid") << QByteArray("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 end") << -1;
        QTest::newRow("bad after long ascii run") << QByteArray("0123456789abcdef\xff") << 16;
        QTest::newRow("bad lead") << QByteArray("ab\xc1\x81") << 2;
        QTest::newRow("truncated at end") << QByteArray("abc\xe2\x82") << 3;
        QTest::newRow("surrogate") << QByteArray("\xed\xbf\xbf") << 0;
    }

    void findsInvalidUtf8()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, offset);
        const size_t got = findInvalidUtf8(view(input));
        QCOMPARE(got == std::string_view::npos ? -1 : int(got), offset);
    }

    void writesEscapedStrings()
    {
        std::string out;
        appendJsonString(out, std::string_view("q\"b\\n\n\x01\xc3\xa9", 9));
        QCOMPARE(QByteArray::fromStdString(out), QByteArray("\"q\\\"b\\\\n\\n\\u0001\xc3\xa9\""));
        // And it reads back to the same bytes.
        JsonParser parser;
        JsonValue v;
        QVERIFY(parser.parse(out, v));
        QCOMPARE(QByteArray::fromStdString(v.text), QByteArray("q\"b\\n\n\x01\xc3\xa9", 9));
    }
};

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
