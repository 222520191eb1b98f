// SPDX-License-Identifier: GPL-3.0-or-later
// Model files: safetensors written and read by hand (no C++ safetensors library in
// Debian; the format is an 8-byte header length, a JSON header, raw tensors).
#include "core/ml/modelfile.h"
#include "core/ml/architecture.h"
#include "core/ml/jsonreader.h"
#include "core/ml/jsonwriter.h"
#include "core/ml/trainer.h"

#include <bit>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace hyper::ml {

static_assert(std::endian::native == std::endian::little,
              "model files hold little-endian floats; a big-endian build must byte-swap");

namespace {

// A header larger than this is not one of ours (a real one is a few KB).
constexpr std::uint64_t kMaxHeader = 16u << 20;

// Texts whose ids every model file records, so that a reader (this build or another
// implementation) proves its tokenizer before scoring.
const char *const kTestTexts[] = {
    "The quick brown fox jumps over the lazy dog.",
    "Grüße aus TOKYO/東京: 3.14 x 42 -- don't panic!",
    "",
};

std::string u64Hex(std::uint64_t v)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string exact(double v)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

[[noreturn]] void fail(const std::string &path, const std::string &what)
{
    throw ModelFileError(path + ": " + what);
}

std::vector<std::int64_t> testIds(const std::string &text, const TrainConfig &config)
{
    return config.model == "bag" ? bagIds(text, config.tokenizer) : sequenceIds(text, config.tokenizer);
}

/** The data area's checksum: the sum of its little-endian 32-bit words modulo 2^64 (cheap
 *  here and in numpy: np.frombuffer(data, "<u4").sum(dtype=np.uint64)). It catches a
 *  damaged byte, which a safetensors header alone cannot. */
std::uint64_t wordSum(const float *data, std::size_t count, std::uint64_t sum = 0)
{
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t w;
        std::memcpy(&w, data + i, sizeof w);
        sum += w;
    }
    return sum;
}

} // namespace

std::string ModelFile::meta(const std::string &key) const
{
    const auto it = metadata.find(key);
    return it == metadata.end() ? std::string() : it->second;
}

std::string architectureJson(const TrainConfig &c)
{
    JsonWriter w;
    w.beginObject();
    if (c.model == "bag") {
        w.key("dim").value(arch::kBagDim);
        w.key("hidden").value(arch::kBagHidden);
        w.key("input").value("concat(mean(prompt), mean(response), product, log1p(response ids))");
    } else {
        w.key("dim").value(arch::kModelDim);
        w.key("heads").value(arch::kHeads);
        w.key("layers").value(arch::kLayers);
        w.key("feed_forward").value(arch::kFeedForward);
        w.key("max_tokens").value(std::int64_t(std::max(2, c.tokenizer.maxIds)));
        w.key("prompt_share").value(arch::kPromptShare);
        w.key("layer_norm_eps").value(arch::kLayerNormEps);
        w.key("activation").value("relu");
        w.key("norm_first").value(false);
        w.key("pooling").value("mean over non-padding positions");
    }
    w.endObject();
    return w.str();
}

std::string tokenizerSpecJson(const TrainConfig &c)
{
    const bool bag = c.model == "bag";
    JsonWriter w;
    w.beginObject();
    w.key("scheme").value("hyper-hash@1");
    w.key("features").value(bag ? "bag" : "sequence");
    w.key("normalisation").value("ASCII A-Z lower-cased; words are runs of bytes a-z, 0-9 or >= 0x80 "
                                 "(UTF-8 kept whole); every other byte separates");
    w.key("hash").value("FNV-1a 64 over the feature's bytes from offset 0xcbf29ce484222325 XOR salt, "
                        "then h ^= h >> 33; h *= 0xff51afd7ed558ccd; h ^= h >> 33");
    w.key("bucket").value("1 + h mod (buckets - 1); 0 is padding");
    w.key("salts").beginObject();
    w.key("unigram").value(u64Hex(0x9e3779b97f4a7c15ull));
    if (bag) {
        w.key("bigram").value(u64Hex(0xc2b2ae3d27d4eb4full));
        w.key("char").value(u64Hex(0x165667b19e3779f9ull));
    }
    w.endObject();
    w.key("word_ngrams").beginArray().value(std::int64_t(1));
    if (bag)
        w.value(std::int64_t(2));
    w.endArray();
    w.key("char_ngram").value(std::int64_t(bag ? c.tokenizer.charNgram : 0));
    if (bag)
        w.key("order").value("unigrams, then bigrams \"w1 w2\", then char n-grams of \"<word>\" "
                             "(the whole \"<word>\" when not longer than n)");
    w.key("buckets").value(c.tokenizer.buckets);
    w.key("max_tokens").value(std::int64_t(c.tokenizer.maxIds));
    w.endObject();
    return w.str();
}

std::string tokenizerTestsJson(const TrainConfig &c)
{
    JsonWriter w;
    w.beginArray();
    for (const char *text : kTestTexts) {
        w.beginObject();
        w.key("text").value(text);
        w.key("ids").beginArray();
        for (std::int64_t id : testIds(text, c))
            w.value(id);
        w.endArray();
        w.endObject();
    }
    w.endArray();
    return w.str();
}

TrainConfig configFromJson(const std::string &json)
{
    JsonNode root;
    try {
        root = parseJson(json);
    } catch (const JsonReadError &e) {
        throw TrainError(std::string("config is not JSON (") + e.what() + ")");
    }
    if (!root.isObject())
        throw TrainError("config is not a JSON object");
    TrainConfig c;
    auto need = [&](const char *key) -> const JsonNode & {
        const JsonNode *n = root.find(key);
        if (!n)
            throw TrainError(std::string("config lacks '") + key + "'");
        return *n;
    };
    auto integer = [&](const char *key) {
        try {
            return need(key).integer();
        } catch (const JsonReadError &) {
            throw TrainError(std::string("config '") + key + "' is not a whole number");
        }
    };
    auto number = [&](const char *key) {
        const JsonNode &n = need(key);
        if (!n.isNumber())
            throw TrainError(std::string("config '") + key + "' is not a number");
        return n.number;
    };
    auto text = [&](const char *key) {
        const JsonNode &n = need(key);
        if (!n.isString())
            throw TrainError(std::string("config '") + key + "' is not a string");
        return n.text;
    };
    c.model = text("model");
    c.epochs = int(integer("epochs"));
    c.batchSize = int(integer("batch_size"));
    c.lr = number("lr");
    c.weightDecay = number("weight_decay");
    c.seed = std::uint64_t(integer("seed"));
    c.device = text("device");
    const JsonNode &margin = need("margin");
    if (margin.kind != JsonNode::Kind::Bool)
        throw TrainError("config 'margin' is not true or false");
    c.useMargin = margin.boolean;
    c.tokenizer.buckets = integer("buckets");
    c.tokenizer.charNgram = int(integer("char_ngram"));
    c.tokenizer.maxIds = int(integer("max_tokens"));
    c.validate();
    return c;
}

void writeModelFile(const std::string &path, const TrainConfig &config, const std::vector<NamedTensor> &tensors,
                    const std::map<std::string, std::string> &extra)
{
    std::map<std::string, std::string> meta = extra;
    meta["format"] = ModelFile::kFormat;
    meta["format_version"] = std::to_string(ModelFile::kFormatVersion);
    meta["model"] = config.model;
    meta["config"] = configJson(config);
    meta["architecture"] = architectureJson(config);
    meta["tokenizer"] = tokenizerSpecJson(config);
    meta["tokenizer_tests"] = tokenizerTestsJson(config);
    std::uint64_t sum = 0;
    for (const NamedTensor &t : tensors)
        sum = wordSum(t.data.data(), t.data.size(), sum);
    meta["checksum"] = "sum-u32:" + u64Hex(sum);

    JsonWriter w;
    w.beginObject();
    w.key("__metadata__").beginObject();
    for (const auto &[k, v] : meta)
        w.key(k).value(v);
    w.endObject();
    std::uint64_t offset = 0;
    for (const NamedTensor &t : tensors) {
        std::int64_t numel = 1;
        for (std::int64_t d : t.shape)
            numel *= d;
        if (numel != std::int64_t(t.data.size()))
            fail(path, "tensor '" + t.name + "' has " + std::to_string(t.data.size())
                           + " values for its shape (internal error)");
        const std::uint64_t bytes = std::uint64_t(numel) * sizeof(float);
        w.key(t.name).beginObject();
        w.key("dtype").value("F32");
        w.key("shape").beginArray();
        for (std::int64_t d : t.shape)
            w.value(d);
        w.endArray();
        w.key("data_offsets").beginArray().value(std::int64_t(offset)).value(std::int64_t(offset + bytes)).endArray();
        w.endObject();
        offset += bytes;
    }
    w.endObject();
    std::string header = w.str();
    // The data starts 8-byte aligned, as the safetensors writers do.
    while ((header.size() % 8) != 0)
        header += ' ';

    const std::string part = path + ".part";
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        if (!out)
            fail(path, "cannot write (" + std::string(std::strerror(errno)) + ")");
        const std::uint64_t n = header.size();
        unsigned char len[8];
        for (int i = 0; i < 8; ++i)
            len[i] = static_cast<unsigned char>(n >> (8 * i));
        out.write(reinterpret_cast<const char *>(len), 8);
        out.write(header.data(), std::streamsize(header.size()));
        for (const NamedTensor &t : tensors)
            out.write(reinterpret_cast<const char *>(t.data.data()), std::streamsize(t.data.size() * sizeof(float)));
        out.flush();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(part, ignored);
            fail(path, "cannot write (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(part, path, ec);
    if (ec) {
        std::filesystem::remove(part, ec);
        fail(path, "cannot write (" + ec.message() + ")");
    }
}

ModelFile readModelFile(const std::string &path, bool withTensors)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, std::filesystem::exists(path) ? "cannot be read" : "no such file");
    in.seekg(0, std::ios::end);
    const std::int64_t size = std::int64_t(in.tellg());
    in.seekg(0);
    ModelFile f;
    f.bytes = size;
    if (size < 8)
        fail(path, "not a model file (" + std::to_string(size) + " bytes; a safetensors file starts with "
                       "an 8-byte header length)");
    unsigned char len[8];
    in.read(reinterpret_cast<char *>(len), 8);
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i)
        n = (n << 8) | len[i];
    if (n > kMaxHeader || n > std::uint64_t(size - 8))
        fail(path, "not a model file, or truncated (its header length " + std::to_string(n)
                       + " does not fit the file's " + std::to_string(size) + " bytes)");
    std::string header(n, '\0');
    in.read(header.data(), std::streamsize(n));
    if (!in)
        fail(path, "cannot be read");
    JsonNode root;
    try {
        root = parseJson(header);
    } catch (const JsonReadError &e) {
        fail(path, std::string("not a model file (its header is not JSON: ") + e.what() + ")");
    }
    const JsonNode *meta = root.find("__metadata__");
    if (!root.isObject() || !meta || !meta->isObject())
        fail(path, "not a HyPER reward model (a safetensors file without __metadata__)");
    for (const auto &[k, v] : meta->members) {
        if (!v.isString())
            fail(path, "metadata entry '" + k + "' is not a string");
        f.metadata[k] = v.text;
    }
    if (f.meta("format") != ModelFile::kFormat)
        fail(path, "not a HyPER reward model (metadata format '" + f.meta("format") + "', expected '"
                       + ModelFile::kFormat + "')");
    if (f.meta("format_version") != std::to_string(ModelFile::kFormatVersion))
        fail(path, "model format version '" + f.meta("format_version") + "' is not supported (this build reads version "
                       + std::to_string(ModelFile::kFormatVersion) + ")");
    try {
        f.config = configFromJson(f.meta("config"));
    } catch (const TrainError &e) {
        fail(path, std::string("bad model config: ") + e.what());
    }
    if (f.meta("model") != f.config.model)
        fail(path, "metadata model '" + f.meta("model") + "' disagrees with its config");

    // The tokenizer must be this build's: a file's test vectors are its proof.
    try {
        const JsonNode tests = parseJson(f.meta("tokenizer_tests"));
        if (!tests.isArray() || tests.items.empty())
            throw JsonReadError("not a list");
        for (const JsonNode &t : tests.items) {
            const JsonNode *text = t.find("text"), *ids = t.find("ids");
            if (!text || !text->isString() || !ids || !ids->isArray())
                throw JsonReadError("an entry lacks text or ids");
            std::vector<std::int64_t> expected;
            for (const JsonNode &id : ids->items)
                expected.push_back(id.integer());
            if (expected != testIds(text->text, f.config))
                fail(path, "this build's tokenizer does not reproduce the file's test vectors (text \""
                               + text->text + "\"): the model was written by an incompatible version");
        }
    } catch (const JsonReadError &e) {
        fail(path, std::string("bad tokenizer_tests metadata (") + e.what() + ")");
    }

    const std::uint64_t dataBytes = std::uint64_t(size) - 8 - n;
    const std::uint64_t dataStart = 8 + n;
    for (const auto &[name, t] : root.members) {
        if (name == "__metadata__")
            continue;
        const JsonNode *dtype = t.find("dtype"), *shape = t.find("shape"), *offsets = t.find("data_offsets");
        if (!dtype || !shape || !offsets || !shape->isArray() || !offsets->isArray() || offsets->items.size() != 2)
            fail(path, "tensor '" + name + "' has a malformed header entry");
        if (!dtype->isString() || dtype->text != "F32")
            fail(path, "tensor '" + name + "' is " + (dtype->isString() ? dtype->text : std::string("?"))
                           + "; model files hold F32 tensors");
        NamedTensor nt;
        nt.name = name;
        std::uint64_t numel = 1, begin = 0, end = 0;
        try {
            for (const JsonNode &d : shape->items) {
                const std::int64_t v = d.integer();
                if (v < 0 || v > (std::int64_t(1) << 32))
                    throw JsonReadError("bad dimension");
                nt.shape.push_back(v);
                numel *= std::uint64_t(v);
            }
            const std::int64_t b = offsets->items[0].integer(), e = offsets->items[1].integer();
            if (b < 0 || e < b)
                throw JsonReadError("bad offsets");
            begin = std::uint64_t(b);
            end = std::uint64_t(e);
        } catch (const JsonReadError &) {
            fail(path, "tensor '" + name + "' has a malformed shape or byte range");
        }
        if (end - begin != numel * sizeof(float))
            fail(path, "tensor '" + name + "' has " + std::to_string(end - begin) + " bytes for its shape");
        if (end > dataBytes)
            fail(path, "truncated: tensor '" + name + "' ends at byte " + std::to_string(dataStart + end)
                           + " of a " + std::to_string(size) + "-byte file");
        if (withTensors) {
            nt.data.resize(numel);
            in.seekg(std::streamoff(dataStart + begin));
            in.read(reinterpret_cast<char *>(nt.data.data()), std::streamsize(end - begin));
            if (!in)
                fail(path, "cannot read tensor '" + name + "'");
        }
        f.tensors.push_back(std::move(nt));
    }
    if (withTensors) {
        std::uint64_t sum = 0;
        for (const NamedTensor &t : f.tensors)
            sum = wordSum(t.data.data(), t.data.size(), sum);
        if (f.meta("checksum") != "sum-u32:" + u64Hex(sum))
            fail(path, "corrupt: the weights do not match the file's checksum");
    }
    return f;
}

} // namespace hyper::ml

namespace hyper::ml {

void saveTrainedModel(const std::string &path, const Bundle &bundle, const TrainResult &result,
                      const std::map<std::string, std::string> &extra)
{
    if (result.weights.empty())
        throw ModelFileError(path + ": the run kept no weights (internal error)");
    std::map<std::string, std::string> meta = bundle.info;
    auto scores = [](const std::map<std::string, double> &m) {
        JsonWriter w;
        w.beginObject();
        for (const auto &[name, acc] : m)
            w.key(name).value(acc);
        w.endObject();
        return w.str();
    };
    meta["seed"] = std::to_string(bundle.config.seed);
    meta["overall"] = exact(result.scores.overall);
    meta["sections"] = scores(result.scores.sections);
    meta["subsets"] = scores(result.scores.subsets);
    meta["train_pairs"] = std::to_string(result.trainPairs);
    meta["eval_pairs"] = std::to_string(result.evalPairs);
    meta["device"] = result.device;
    meta["parameters"] = std::to_string(result.parameters);
#ifdef HYPER_VERSION
    meta["tool_version"] = HYPER_VERSION;
#endif
    const std::time_t now = std::time(nullptr);
    char when[32];
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    meta["created"] = when;
    for (const auto &[k, v] : extra)
        meta[k] = v;
    writeModelFile(path, bundle.config, result.weights, meta);
}

} // namespace hyper::ml
