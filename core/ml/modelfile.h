// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Torch-free: saved reward models (docs/TRAINING.md "Saved models"). A model file is a
// safetensors file: an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian float32 tensors. Its
// "__metadata__" holds everything needed to score without the workbench: the model kind
// and config, the architecture, the tokenizer spec with test vectors, and provenance (mix,
// seed, eval scores, project UUID, tool version).
#include "core/ml/bundle.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hyper::ml {

/** A model file that cannot be used (unreadable, truncated, corrupt, another format or
 *  version, weights that do not fit the model); what() starts with the file's path. */
class ModelFileError : public TrainError
{
public:
    using TrainError::TrainError;
};

/** One tensor by its LibTorch parameter name ("table", "hidden.weight", ...). */
struct NamedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> data;   // row-major
};

struct ModelFile {
    static constexpr int kFormatVersion = 1;
    static constexpr const char *kFormat = "hyper-reward-model";

    TrainConfig config;                            // model kind, tokenizer, seed, ...
    std::map<std::string, std::string> metadata;   // every "__metadata__" entry
    std::vector<NamedTensor> tensors;              // empty when read without them
    std::int64_t bytes = 0;                        // file size

    /** metadata[key], or "" when absent. */
    std::string meta(const std::string &key) const;
};

/**
 * Writes a model file (to PATH.part, then renamed over PATH: a reader never sees half a
 * file). `extra` adds provenance entries (mix, overall, sections, project_uuid,
 * tool_version, ...); the keys format, format_version, model, config, architecture,
 * tokenizer and tokenizer_tests are set here and win. Throws ModelFileError.
 */
void writeModelFile(const std::string &path, const TrainConfig &config, const std::vector<NamedTensor> &tensors,
                    const std::map<std::string, std::string> &extra = {});

/**
 * Reads and checks a model file: the header, the format and its version, every tensor's
 * dtype (F32), shape and byte range, the config, and that this build's tokenizer
 * reproduces the file's test vectors. withTensors false reads the header only (the
 * model's summary). Throws ModelFileError with a message naming the file.
 */
ModelFile readModelFile(const std::string &path, bool withTensors = true);

/** Writes the model a training run kept (TrainResult::weights, trained with
 *  keepWeights) with its provenance: the bundle's info (mix, project_uuid), the seed,
 *  eval overall / sections / subsets, pair counts, device, tool version and time;
 *  `extra` adds or overrides entries (e.g. the run id). Throws ModelFileError. */
struct TrainResult;
void saveTrainedModel(const std::string &path, const Bundle &bundle, const TrainResult &result,
                      const std::map<std::string, std::string> &extra = {});

/** The metadata entries describing the model (JSON texts), as written. */
std::string architectureJson(const TrainConfig &config);
std::string tokenizerSpecJson(const TrainConfig &config);
std::string tokenizerTestsJson(const TrainConfig &config);

/** The inverse of configJson(); throws TrainError naming the bad field. */
TrainConfig configFromJson(const std::string &json);

} // namespace hyper::ml
