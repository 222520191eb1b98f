// SPDX-License-Identifier: GPL-3.0-or-later
// Bundle files: one torch.save-format zip archive holding a dict of config values,
// int64/float32 tensors, subset names, instance ids and provenance. Python reads it with
// torch.load(path, weights_only=True); docs/TRAINING.md lists the keys.
#include "core/ml/bundle.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <torch/serialize.h>
#include <torch/types.h>

#include <fstream>
#include <iterator>

namespace hyper::ml {

namespace {

constexpr const char *kFormatName = "hyper-rm-bundle";

using Dict = c10::impl::GenericDict;

// A str -> Any dict: what Python sees as a plain dict.
Dict newDict()
{
    return Dict(c10::StringType::get(), c10::AnyType::get());
}

torch::Tensor toTensor(const std::vector<std::int64_t> &v)
{
    return torch::tensor(c10::ArrayRef<std::int64_t>(v), torch::kInt64);
}

torch::Tensor toTensor(const std::vector<float> &v)
{
    return torch::tensor(c10::ArrayRef<float>(v), torch::kFloat32);
}

template <typename T> std::vector<T> fromTensor(const Dict &d, const std::string &key)
{
    const auto it = d.find(c10::IValue(key));
    if (it == d.end() || !it->value().isTensor())
        throw TrainError("bundle: missing tensor '" + key + "'");
    torch::Tensor t = it->value().toTensor().contiguous();
    const auto expected = std::is_same_v<T, float> ? torch::kFloat32 : torch::kInt64;
    if (t.scalar_type() != expected || t.dim() != 1)
        throw TrainError("bundle: tensor '" + key + "' has the wrong type or shape");
    const T *p = t.data_ptr<T>();
    return std::vector<T>(p, p + t.numel());
}

const c10::IValue &field(const Dict &d, const std::string &key)
{
    const auto it = d.find(c10::IValue(key));
    if (it == d.end())
        throw TrainError("bundle: missing key '" + key + "'");
    return it->value();
}

void putPairs(Dict &d, const std::string &split, const TokenizedPairs &t)
{
    const std::pair<const char *, const Ragged *> texts[] = {
        {"prompt", &t.prompt}, {"chosen", &t.chosen}, {"rejected", &t.rejected}};
    for (const auto &[name, r] : texts) {
        d.insert(split + "_" + name + "_ids", toTensor(r->ids));
        d.insert(split + "_" + name + "_offsets", toTensor(r->offsets));
    }
    d.insert(split + "_margin", toTensor(t.margin));
    d.insert(split + "_subset", toTensor(t.subset));
    c10::List<std::string> names;
    for (const std::string &n : t.subsetNames)
        names.push_back(n);
    d.insert(split + "_subset_names", names);
}

TokenizedPairs getPairs(const Dict &d, const std::string &split)
{
    TokenizedPairs t;
    const std::pair<const char *, Ragged *> texts[] = {
        {"prompt", &t.prompt}, {"chosen", &t.chosen}, {"rejected", &t.rejected}};
    for (const auto &[name, r] : texts) {
        r->ids = fromTensor<std::int64_t>(d, split + "_" + name + "_ids");
        r->offsets = fromTensor<std::int64_t>(d, split + "_" + name + "_offsets");
    }
    t.margin = fromTensor<float>(d, split + "_margin");
    t.subset = fromTensor<std::int64_t>(d, split + "_subset");
    for (const c10::IValue &n : field(d, split + "_subset_names").toListRef())
        t.subsetNames.push_back(n.toStringRef());
    // A damaged or hand-made bundle must not index out of range later.
    for (const Ragged *r : {&t.prompt, &t.chosen, &t.rejected}) {
        if (r->offsets.empty() || r->offsets.front() != 0 || r->size() != t.margin.size()
            || r->offsets.back() != std::int64_t(r->ids.size()))
            throw TrainError("bundle: inconsistent " + split + " offsets");
        for (std::size_t i = 1; i < r->offsets.size(); ++i) {
            if (r->offsets[i] < r->offsets[i - 1])
                throw TrainError("bundle: inconsistent " + split + " offsets");
        }
    }
    if (t.subset.size() != t.margin.size())
        throw TrainError("bundle: inconsistent " + split + " subsets");
    for (std::int64_t s : t.subset) {
        if (s < 0 || s >= std::int64_t(t.subsetNames.size()))
            throw TrainError("bundle: subset index out of range");
    }
    return t;
}

/**
 * torch::pickle_save without TorchScript's type tags. pickle_save wraps every dict and
 * list in torch.jit._pickle.restore_type_tag(...), a call that torch.load's weights_only
 * unpickler (the default since PyTorch 2.6) refuses. The same archive written by a
 * Pickler with tag_aggregates off holds plain dicts, lists, strings, numbers and tensors
 * only, which weights_only allows.
 */
std::vector<char> pickleWithoutTags(const c10::IValue &value)
{
    std::vector<char> pickled;
    torch::jit::Pickler pickler([&](const char *buf, size_t size) { pickled.insert(pickled.end(), buf, buf + size); },
                                /*tensor_table=*/nullptr, /*type_renamer=*/nullptr,
                                /*memoized_class_types=*/nullptr, /*get_tensor_id=*/nullptr,
                                /*tag_aggregates=*/false);
    pickler.protocol();
    pickler.pushIValue(value);
    pickler.stop();
    std::vector<char> archive;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void *bytes, size_t len) {
        const char *b = static_cast<const char *>(bytes);
        archive.insert(archive.end(), b, b + len);
        return len;
    });
    torch::jit::writeArchiveAndTensors("data", pickled.data(), pickled.size(), pickler.tensorData(), writer);
    writer.writeEndOfFile();
    return archive;
}

} // namespace

void saveBundle(const Bundle &b, const std::string &path)
{
    const TrainConfig &c = b.config;
    Dict config = newDict();
    config.insert("model", c.model);
    config.insert("epochs", std::int64_t(c.epochs));
    config.insert("batch_size", std::int64_t(c.batchSize));
    config.insert("lr", c.lr);
    config.insert("weight_decay", c.weightDecay);
    config.insert("seed", std::int64_t(c.seed));
    config.insert("device", c.device);
    config.insert("margin", c.useMargin);
    config.insert("eval_each_epoch", c.evalEachEpoch);
    config.insert("threads", std::int64_t(c.threads));
    config.insert("buckets", c.tokenizer.buckets);
    config.insert("char_ngram", std::int64_t(c.tokenizer.charNgram));
    config.insert("max_tokens", std::int64_t(c.tokenizer.maxIds));

    Dict d = newDict();
    d.insert("format", std::string(kFormatName));
    d.insert("version", std::int64_t(Bundle::kFormatVersion));
    d.insert("config", config);
    putPairs(d, "train", b.train);
    putPairs(d, "eval", b.eval);
    d.insert("train_ids", toTensor(b.trainIds));
    d.insert("eval_ids", toTensor(b.evalIds));
    Dict info = newDict();
    for (const auto &[k, v] : b.info)
        info.insert(k, v);
    d.insert("info", info);

    const std::vector<char> bytes = pickleWithoutTags(c10::IValue(d));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out)
        throw TrainError("cannot write bundle " + path);
}

Bundle loadBundle(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw TrainError("cannot open bundle " + path);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    c10::IValue root;
    try {
        root = torch::pickle_load(bytes);
    } catch (const std::exception &) {
        throw TrainError(path + " is not a training bundle (not a torch archive)");
    }
    if (!root.isGenericDict())
        throw TrainError(path + " is not a training bundle");
    const Dict d = root.toGenericDict();
    Bundle b;
    try {
        if (field(d, "format").toStringRef() != kFormatName)
            throw TrainError(path + " is not a training bundle");
        const std::int64_t version = field(d, "version").toInt();
        if (version != 1 && version != Bundle::kFormatVersion)
            throw TrainError(path + ": bundle format version " + std::to_string(version)
                             + " is not supported (this build reads version "
                             + std::to_string(Bundle::kFormatVersion) + ")");
        const Dict config = field(d, "config").toGenericDict();
        TrainConfig &c = b.config;
        c.model = field(config, "model").toStringRef();
        c.epochs = int(field(config, "epochs").toInt());
        c.batchSize = int(field(config, "batch_size").toInt());
        c.lr = field(config, "lr").toDouble();
        c.weightDecay = field(config, "weight_decay").toDouble();
        c.seed = std::uint64_t(field(config, "seed").toInt());
        c.device = field(config, "device").toStringRef();
        c.useMargin = field(config, "margin").toBool();
        c.evalEachEpoch = field(config, "eval_each_epoch").toBool();
        c.threads = int(field(config, "threads").toInt());
        c.tokenizer.buckets = field(config, "buckets").toInt();
        c.tokenizer.charNgram = int(field(config, "char_ngram").toInt());
        c.tokenizer.maxIds = int(field(config, "max_tokens").toInt());
        b.train = getPairs(d, "train");
        b.eval = getPairs(d, "eval");
        if (version >= 2) {
            b.trainIds = fromTensor<std::int64_t>(d, "train_ids");
            b.evalIds = fromTensor<std::int64_t>(d, "eval_ids");
            if ((!b.trainIds.empty() && b.trainIds.size() != b.train.size())
                || (!b.evalIds.empty() && b.evalIds.size() != b.eval.size()))
                throw TrainError(path + ": bundle instance ids do not match its pairs");
            for (const auto &entry : field(d, "info").toGenericDict())
                b.info[entry.key().toStringRef()] = entry.value().toStringRef();
        }
    } catch (const c10::Error &e) {
        // Wrong IValue kinds (a string where an int belongs, ...).
        throw TrainError(path + ": damaged training bundle");
    }
    b.config.validate();
    for (const TokenizedPairs *t : {&b.train, &b.eval}) {
        for (const Ragged *r : {&t->prompt, &t->chosen, &t->rejected}) {
            for (std::int64_t id : r->ids) {
                if (id < 0 || id >= b.config.tokenizer.buckets)
                    throw TrainError(path + ": token id out of range");
            }
        }
    }
    return b;
}

} // namespace hyper::ml
