// SPDX-License-Identifier: GPL-3.0-or-later
// Porter (1980) suffix stripping, written from the paper's rule tables.
#include "core/features/porter.h"

#include <utility>

namespace hyper::features {

namespace {

class Stemmer
{
public:
    Stemmer(std::string_view w, PorterMode mode) : b(w), nltk(mode == PorterMode::Nltk) {}

    std::string run()
    {
        step1a();
        step1b();
        step1c();
        step2();
        step3();
        step4();
        step5a();
        step5b();
        return b;
    }

private:
    std::string b;
    bool nltk;

    // A consonant is a letter other than a, e, i, o, u, and other than y preceded by
    // a consonant (so y is a consonant at the start and after a vowel).
    bool cons(size_t i) const
    {
        switch (b[i]) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            return false;
        case 'y':
            return i == 0 || !cons(i - 1);
        default:
            return true;
        }
    }

    // m of the first len letters: the number of VC sequences in [C](VC)^m[V].
    int measure(size_t len) const
    {
        int m = 0;
        size_t i = 0;
        while (i < len && cons(i))
            ++i;
        while (i < len) {
            while (i < len && !cons(i))
                ++i;
            if (i >= len)
                break;
            while (i < len && cons(i))
                ++i;
            ++m;
        }
        return m;
    }

    bool hasVowel(size_t len) const
    {
        for (size_t i = 0; i < len; ++i)
            if (!cons(i))
                return true;
        return false;
    }

    // *d: the first len letters end with a double consonant.
    bool doubleCons(size_t len) const
    {
        return len >= 2 && b[len - 1] == b[len - 2] && cons(len - 1);
    }

    // *o: the first len letters end cvc, the second c not w, x or y. NLTK also counts a
    // two-letter stem of a vowel and a consonant (any consonant).
    bool cvc(size_t len) const
    {
        if (nltk && len == 2)
            return !cons(0) && cons(1);
        if (len < 3 || !cons(len - 1) || cons(len - 2) || !cons(len - 3))
            return false;
        const char c = b[len - 1];
        return c != 'w' && c != 'x' && c != 'y';
    }

    bool ends(std::string_view s) const
    {
        return b.size() >= s.size() && std::string_view(b).substr(b.size() - s.size()) == s;
    }

    // Replaces the suffix when the stem before it has m > minM.
    bool replaceIf(std::string_view suffix, std::string_view with, int minM)
    {
        const size_t stem = b.size() - suffix.size();
        if (measure(stem) > minM) {
            b.replace(stem, suffix.size(), with);
            return true;
        }
        return false;
    }

    struct Rule {
        std::string_view suffix;
        std::string_view with;
    };

    // The paper applies only the rule with the longest matching suffix; its condition
    // decides whether it fires, and no shorter rule is tried after a failed condition.
    template <size_t N> void applyLongest(const Rule (&rules)[N], int minM)
    {
        const Rule *best = nullptr;
        for (const Rule &r : rules)
            if (ends(r.suffix) && (!best || r.suffix.size() > best->suffix.size()))
                best = &r;
        if (best)
            replaceIf(best->suffix, best->with, minM);
    }

    void step1a()
    {
        if (nltk && b.size() == 4 && ends("ies")) { // ties -> tie, dies -> die
            b.pop_back();
            return;
        }
        if (ends("sses"))
            b.resize(b.size() - 2);
        else if (ends("ies"))
            b.resize(b.size() - 2);
        else if (ends("ss"))
            return;
        else if (ends("s"))
            b.pop_back();
    }

    void step1b()
    {
        if (nltk && ends("ied")) { // tied -> tie, cried -> cri
            b.resize(b.size() == 4 ? 3 : b.size() - 2);
            return;
        }
        if (ends("eed")) {
            replaceIf("eed", "ee", 0);
            return;
        }
        size_t cut = 0;
        if (ends("ed") && hasVowel(b.size() - 2))
            cut = 2;
        else if (ends("ing") && hasVowel(b.size() - 3))
            cut = 3;
        if (!cut)
            return;
        b.resize(b.size() - cut);
        if (ends("at") || ends("bl") || ends("iz")) {
            b += 'e';
        } else if (doubleCons(b.size())) {
            const char c = b.back();
            if (c != 'l' && c != 's' && c != 'z')
                b.pop_back();
        } else if (measure(b.size()) == 1 && cvc(b.size())) {
            b += 'e';
        }
    }

    // The paper: (*v*) Y -> I. NLTK: only after a consonant that is not the whole stem
    // (happy -> happi, enjoy and sky stay).
    void step1c()
    {
        if (!ends("y"))
            return;
        const size_t stem = b.size() - 1;
        if (nltk ? stem > 1 && cons(stem - 1) : hasVowel(stem))
            b.back() = 'i';
    }

    void step2()
    {
        static const Rule original[] = {
            {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
            {"izer", "ize"},    {"abli", "able"},   {"alli", "al"},     {"entli", "ent"},
            {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
            {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
            {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"},
        };
        // NLTK: BLI -> BLE instead of ABLI -> ABLE, and FULLI -> FUL.
        static const Rule extended[] = {
            {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
            {"izer", "ize"},    {"bli", "ble"},     {"alli", "al"},     {"entli", "ent"},
            {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
            {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
            {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"},
            {"fulli", "ful"},
        };
        if (!nltk) {
            applyLongest(original, 0);
            return;
        }
        // NLTK: ALLI -> AL, and step 2 again on the result (generalli -> general).
        if (ends("alli") && measure(b.size() - 4) > 0) {
            b.resize(b.size() - 2);
            step2();
            return;
        }
        // NLTK: LOGI -> LOG when the word without "ogi" has m > 0 (biology -> biolog).
        if (ends("logi")) {
            if (measure(b.size() - 3) > 0)
                b.pop_back();
            return;
        }
        applyLongest(extended, 0);
    }

    void step3()
    {
        static const Rule rules[] = {
            {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
            {"ical", "ic"},  {"ful", ""},   {"ness", ""},
        };
        applyLongest(rules, 0);
    }

    void step4()
    {
        static const std::string_view suffixes[] = {
            "al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
            "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize",
        };
        std::string_view best;
        for (std::string_view s : suffixes)
            if (ends(s) && s.size() > best.size())
                best = s;
        if (best.empty())
            return;
        const size_t stem = b.size() - best.size();
        if (best == "ion" && !(stem > 0 && (b[stem - 1] == 's' || b[stem - 1] == 't')))
            return;
        if (measure(stem) > 1)
            b.resize(stem);
    }

    void step5a()
    {
        if (!ends("e"))
            return;
        const size_t stem = b.size() - 1;
        const int m = measure(stem);
        if (m > 1 || (m == 1 && !cvc(stem)))
            b.pop_back();
    }

    void step5b()
    {
        if (measure(b.size()) > 1 && doubleCons(b.size()) && b.back() == 'l')
            b.pop_back();
    }
};

} // namespace

std::string porterStem(std::string_view word, PorterMode mode)
{
    if (word.size() <= 2)
        return std::string(word);
    // Digits are letters other than a, e, i, o, u and y to the algorithm, so consonants:
    // rouge_score stems its [a-z0-9] tokens whole (1990s -> 1990, mp3s -> mp3).
    for (char c : word)
        if ((c < 'a' || c > 'z') && (c < '0' || c > '9'))
            return std::string(word);
    if (mode == PorterMode::Nltk) {
        // NLTK's irregular forms, looked up before any step.
        static const std::pair<std::string_view, std::string_view> irregular[] = {
            {"sky", "sky"},         {"skies", "sky"},       {"dying", "die"},       {"lying", "lie"},
            {"tying", "tie"},       {"news", "news"},       {"innings", "inning"},  {"inning", "inning"},
            {"outings", "outing"},  {"outing", "outing"},   {"cannings", "canning"}, {"canning", "canning"},
            {"howe", "howe"},       {"proceed", "proceed"}, {"exceed", "exceed"},   {"succeed", "succeed"},
        };
        for (const auto &[form, stem] : irregular)
            if (word == form)
                return std::string(stem);
    }
    return Stemmer(word, mode).run();
}

} // namespace hyper::features
