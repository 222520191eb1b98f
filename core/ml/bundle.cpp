// SPDX-License-Identifier: GPL-3.0-or-later
// The torch-free half of bundles: config defaults and checks, tokenization, config JSON.
// Saving and loading (LibTorch serialization) are in bundleio.cpp.
#include "core/ml/bundle.h"
#include "core/ml/jsonwriter.h"

#include <cmath>
#include <map>

namespace hyper::ml {

namespace {

// The transformer reads prompt and response as one word sequence of at most this many
// tokens: attention cost grows with its square.
constexpr int kTransformerMaxTokens = 256;
// The transformer learns slower than the bag with the bag's learning rate.
constexpr double kTransformerLr = 5e-4;

} // namespace

TrainConfig TrainConfig::defaults(const std::string &model)
{
    TrainConfig c;
    c.model = model;
    if (model == "transformer") {
        c.tokenizer.maxIds = kTransformerMaxTokens;
        c.lr = kTransformerLr;
        c.batchSize = 32;
    }
    return c;
}

void TrainConfig::validate() const
{
    if (model != "bag" && model != "transformer")
        throw TrainError("unknown model '" + model + "' (expected bag or transformer)");
    if (epochs < 1 || epochs > 1000)
        throw TrainError("epochs must be between 1 and 1000");
    if (batchSize < 1 || batchSize > 65536)
        throw TrainError("batch size must be between 1 and 65536");
    if (!(lr > 0) || !std::isfinite(lr))
        throw TrainError("learning rate must be a positive number");
    if (!(weightDecay >= 0) || !std::isfinite(weightDecay))
        throw TrainError("weight decay must be a non-negative number");
    if (device != "auto" && device != "cpu" && device != "cuda")
        throw TrainError("unknown device '" + device + "' (expected auto, cpu or cuda)");
    if (tokenizer.buckets < 2 || tokenizer.buckets > (std::int64_t(1) << 26))
        throw TrainError("hash buckets must be between 2 and 2^26");
    if (tokenizer.charNgram < 0 || tokenizer.charNgram > 8)
        throw TrainError("char n-gram length must be between 0 and 8");
    if (tokenizer.maxIds < 1)
        throw TrainError("max tokens must be positive");
}

void Ragged::append(const std::vector<std::int64_t> &text)
{
    ids.insert(ids.end(), text.begin(), text.end());
    offsets.push_back(std::int64_t(ids.size()));
}

TokenizedPairs tokenizePairs(const std::vector<PairText> &pairs, const TrainConfig &config)
{
    const bool bag = config.model == "bag";
    auto ids = [&](const std::string &text) {
        return bag ? bagIds(text, config.tokenizer) : sequenceIds(text, config.tokenizer);
    };
    TokenizedPairs t;
    std::map<std::string, std::int64_t> subsetIndex;
    t.margin.reserve(pairs.size());
    t.subset.reserve(pairs.size());
    for (const PairText &p : pairs) {
        t.prompt.append(ids(p.prompt));
        t.chosen.append(ids(p.chosen));
        t.rejected.append(ids(p.rejected));
        t.margin.push_back(p.margin);
        auto [it, added] = subsetIndex.try_emplace(p.subset, std::int64_t(t.subsetNames.size()));
        if (added)
            t.subsetNames.push_back(p.subset);
        t.subset.push_back(it->second);
    }
    return t;
}

Bundle makeBundle(const std::vector<PairText> &train, const std::vector<PairText> &eval,
                  const TrainConfig &config)
{
    config.validate();
    Bundle b;
    b.config = config;
    b.train = tokenizePairs(train, config);
    b.eval = tokenizePairs(eval, config);
    for (const PairText &p : train)
        b.trainIds.push_back(p.id);
    for (const PairText &p : eval)
        b.evalIds.push_back(p.id);
    return b;
}

std::string configJson(const TrainConfig &c)
{
    JsonWriter w;
    w.beginObject();
    w.key("model").value(c.model);
    w.key("epochs").value(std::int64_t(c.epochs));
    w.key("batch_size").value(std::int64_t(c.batchSize));
    w.key("lr").value(c.lr);
    w.key("weight_decay").value(c.weightDecay);
    w.key("seed").value(std::int64_t(c.seed));
    w.key("device").value(c.device);
    w.key("margin").value(c.useMargin);
    w.key("buckets").value(c.tokenizer.buckets);
    w.key("char_ngram").value(std::int64_t(c.tokenizer.charNgram));
    w.key("max_tokens").value(std::int64_t(c.tokenizer.maxIds));
    w.endObject();
    return w.str();
}

} // namespace hyper::ml
