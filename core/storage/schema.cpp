// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/schema.h"

#include "core/storage/projectstore.h"
#include "core/storage/sqlite.h"

#include <string>

namespace hyper::schema {

namespace {

// Version 1: instances, labels, annotators, judges, imports, full-text index.
// The long texts live in instance_texts so that `instances` stays narrow (~100 bytes a
// row): the browser's filters and counts scan a few MB instead of every 2 KB row.
// n_human/n_lm/human_pref/lm_pref are denormalised per instance for the same reason.
// CHECKs use OR chains, not IN lists: SQLite builds a temporary index for an IN list on
// every row inserted, which cost the bulk import a third of its speed.
const char *const kV1 = R"SQL(
CREATE TABLE project_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE imports(
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  format TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  rows INTEGER NOT NULL,
  skipped INTEGER NOT NULL);
CREATE TABLE instances(
  id INTEGER PRIMARY KEY,
  ext_id TEXT NOT NULL DEFAULT '',
  split TEXT NOT NULL CHECK(split = 'train' OR split = 'eval'),
  source TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  model_a TEXT NOT NULL DEFAULT '',
  model_b TEXT NOT NULL DEFAULT '',
  route TEXT NOT NULL DEFAULT '' CHECK(route = '' OR route = 'human' OR route = 'lm'),
  n_human INTEGER NOT NULL DEFAULT 0,
  n_lm INTEGER NOT NULL DEFAULT 0,
  human_pref INTEGER CHECK(human_pref = -2 OR human_pref = 0 OR human_pref = 2),
  lm_pref INTEGER CHECK(lm_pref = -2 OR lm_pref = 0 OR lm_pref = 2),
  import_id INTEGER REFERENCES imports(id));
CREATE TABLE instance_texts(
  id INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  prompt TEXT NOT NULL,
  response_a TEXT NOT NULL,
  response_b TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '');
CREATE TABLE annotators(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL DEFAULT 'normal');
CREATE TABLE judges(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '');
CREATE TABLE human_labels(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id),
  overall INTEGER NOT NULL CHECK(overall BETWEEN -2 AND 2),
  helpfulness INTEGER CHECK(helpfulness BETWEEN -2 AND 2),
  truthfulness INTEGER CHECK(truthfulness BETWEEN -2 AND 2),
  harmlessness INTEGER CHECK(harmlessness BETWEEN -2 AND 2),
  reasons TEXT NOT NULL DEFAULT '',
  rationale TEXT NOT NULL DEFAULT '',
  confidence REAL,
  time_spent REAL,
  shown_order TEXT NOT NULL DEFAULT '' CHECK(shown_order = '' OR shown_order = 'AB' OR shown_order = 'BA'),
  created_at TEXT NOT NULL);
CREATE INDEX human_labels_instance ON human_labels(instance_id);
CREATE TABLE lm_labels(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  judge_id INTEGER NOT NULL REFERENCES judges(id),
  overall INTEGER CHECK(overall BETWEEN -2 AND 2),
  verdict_orig INTEGER CHECK(verdict_orig BETWEEN -2 AND 2),
  verdict_swapped INTEGER CHECK(verdict_swapped BETWEEN -2 AND 2),
  rationale TEXT NOT NULL DEFAULT '',
  raw TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL);
CREATE INDEX lm_labels_instance ON lm_labels(instance_id);
CREATE VIRTUAL TABLE instances_fts USING fts5(
  prompt, response_a, response_b, content='instance_texts', content_rowid='id', prefix='2 3');
INSERT INTO project_meta(key, value) VALUES ('fts_indexed_upto', '0');
)SQL";

// Version 2: instance features (core/storage/featurestore.cpp). Raw scores keep their
// origin (computed here or imported with the data); the binary matrix is long-format so
// that "instances with feature f" is an index range scan for the candidate sampler.
const char *const kV2 = R"SQL(
CREATE TABLE features(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK(kind = 'lexical' OR kind = 'metadata'));
CREATE TABLE instance_scores(
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  score TEXT NOT NULL,
  value REAL,
  origin TEXT NOT NULL CHECK(origin = 'computed' OR origin = 'imported'),
  PRIMARY KEY(instance_id, score)) WITHOUT ROWID;
CREATE TABLE instance_features(
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  feature_id INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
  PRIMARY KEY(instance_id, feature_id)) WITHOUT ROWID;
CREATE INDEX instance_features_feature ON instance_features(feature_id);
)SQL";

// Version 3: reward-model runs (core/mlbridge/rmrun.cpp). A run is inserted as 'running'
// and updated when it ends, so a crash leaves it visibly unfinished.
const char *const kV3 = R"SQL(
CREATE TABLE rm_runs(
  id INTEGER PRIMARY KEY,
  mix TEXT NOT NULL,
  model TEXT NOT NULL,
  config TEXT NOT NULL,
  metrics TEXT NOT NULL DEFAULT '',
  device TEXT NOT NULL DEFAULT '',
  seconds REAL,
  status TEXT NOT NULL CHECK(status = 'running' OR status = 'done' OR status = 'failed' OR status = 'canceled'),
  error TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  finished_at TEXT);
)SQL";

// Version 4: the PPM's training data, fitted PPMs and routing plans
// (core/storage/ppmstore.cpp). Counts, bitsets and coefficients are little-endian BLOBs.
// A collected dataset is keyed by what its rows depend on (metric, seed, config, the
// feature matrix it sampled from), so that a rerun resumes it; rows are committed one by
// one as they are measured.
const char *const kV4 = R"SQL(
CREATE TABLE ppm_datasets(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind = 'collect' OR kind = 'import'),
  metric TEXT NOT NULL,            -- 'rm' | 'agreement:SOURCE' | for imports the file name
  seed INTEGER NOT NULL DEFAULT 0,
  config TEXT NOT NULL DEFAULT '', -- JSON (RM config, count mode, ...)
  features TEXT NOT NULL,          -- JSON array of feature names: the order of counts
  matrix_hash TEXT NOT NULL DEFAULT '', -- hash of the feature matrix (ids + bits) a collection sampled from
  instances INTEGER NOT NULL DEFAULT 0, -- N of that matrix
  created_at TEXT NOT NULL);
CREATE TABLE ppm_rows(
  dataset_id INTEGER NOT NULL REFERENCES ppm_datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  budget INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  counts BLOB NOT NULL,            -- int64 little-endian, one per feature
  human BLOB,                      -- bitset over the matrix's instances (id order); NULL for imports
  score REAL NOT NULL,
  rm_run_id INTEGER REFERENCES rm_runs(id) ON DELETE SET NULL,
  seconds REAL,
  created_at TEXT NOT NULL,
  PRIMARY KEY(dataset_id, idx)) WITHOUT ROWID;
CREATE TABLE ppm_models(
  id INTEGER PRIMARY KEY,
  model TEXT NOT NULL CHECK(model = 'linear' OR model = 'quadratic'),
  ridge REAL NOT NULL DEFAULT 0,
  folds INTEGER NOT NULL,
  datasets TEXT NOT NULL,          -- JSON array of dataset ids
  features TEXT NOT NULL,          -- JSON array: input order
  n INTEGER NOT NULL,
  terms INTEGER NOT NULL,
  intercept REAL NOT NULL,
  coef BLOB NOT NULL,              -- float64 LE in Ppm::expand() order
  spearman REAL, rmse REAL,
  cv TEXT NOT NULL DEFAULT '',     -- JSON: actual, out-of-fold predicted, learning curve
  created_at TEXT NOT NULL);
CREATE TABLE route_plans(
  id INTEGER PRIMARY KEY,
  model_id INTEGER REFERENCES ppm_models(id) ON DELETE SET NULL,
  strategy TEXT NOT NULL,
  budget INTEGER NOT NULL,
  human INTEGER NOT NULL,
  predicted REAL,
  params TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  applied_at TEXT);
CREATE TABLE plan_instances(
  plan_id INTEGER NOT NULL REFERENCES route_plans(id) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  PRIMARY KEY(plan_id, instance_id)) WITHOUT ROWID;
)SQL";

// Version 5: the annotation workflow (issue 6) and LM jobs (issue 7).
// - annotators.origin: 'import' for annotators that came with imported data, 'workbench'
//   for those who label in the workbench; only the latter's labels count toward the
//   overlap of the annotation queue.
// - label_flags: "flag for review" marks by annotators; adjudications: a lead's final
//   label for an instance, which resolution prefers over the crowd majority.
// - lm_labels gains the provenance of labels the workbench asked for itself: template
//   (name@version), token counts, cost estimate and the content hash of the request.
// - lm_cache: raw replies by content hash (model + template + request), so that a rerun
//   does not re-ask; lm_failures: items an LM job could not turn into a valid label or
//   tag (never stored as labels); lm_endpoints: saved endpoints. An endpoint names the
//   environment variable (or keychain entry) of its API key: the key itself is never
//   stored.
// - lm_labels also gains the judge's aspect preferences (as human_labels has them) and an
//   index on content_hash (a rerun skips what was judged); lm_templates keeps the text of
//   every judge/tagger template (name@version) a label or tag was made with.
const char *const kV5 = R"SQL(
CREATE TABLE label_flags(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  annotator_id INTEGER REFERENCES annotators(id),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL);
CREATE INDEX label_flags_instance ON label_flags(instance_id);
CREATE TABLE adjudications(
  instance_id INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
  overall INTEGER NOT NULL CHECK(overall BETWEEN -2 AND 2),
  lead TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL);
CREATE INDEX human_labels_annotator ON human_labels(annotator_id, instance_id);
ALTER TABLE annotators ADD COLUMN origin TEXT NOT NULL DEFAULT 'import';
ALTER TABLE lm_labels ADD COLUMN template TEXT NOT NULL DEFAULT '';
ALTER TABLE lm_labels ADD COLUMN tokens_in INTEGER;
ALTER TABLE lm_labels ADD COLUMN tokens_out INTEGER;
ALTER TABLE lm_labels ADD COLUMN cost REAL;
ALTER TABLE lm_labels ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE lm_cache(
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind = 'judge' OR kind = 'tag'),
  model TEXT NOT NULL,
  reply TEXT NOT NULL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  created_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE lm_failures(
  id INTEGER PRIMARY KEY,
  instance_id INTEGER REFERENCES instances(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK(kind = 'judge' OR kind = 'tag'),
  model TEXT NOT NULL,
  error TEXT NOT NULL,
  raw TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL);
CREATE TABLE lm_endpoints(
  name TEXT PRIMARY KEY,
  base_url TEXT NOT NULL,
  model TEXT NOT NULL,
  key_env TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL) WITHOUT ROWID;
ALTER TABLE lm_labels ADD COLUMN helpfulness INTEGER CHECK(helpfulness BETWEEN -2 AND 2);
ALTER TABLE lm_labels ADD COLUMN truthfulness INTEGER CHECK(truthfulness BETWEEN -2 AND 2);
ALTER TABLE lm_labels ADD COLUMN harmlessness INTEGER CHECK(harmlessness BETWEEN -2 AND 2);
CREATE INDEX lm_labels_hash ON lm_labels(content_hash) WHERE content_hash <> '';
CREATE TABLE lm_templates(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK(kind = 'judge' OR kind = 'tag'),
  text TEXT NOT NULL,
  created_at TEXT NOT NULL) WITHOUT ROWID;
)SQL";

// Version 6: annotator packs (issue 13, core/storage/packstore.cpp).
// - project_meta 'project_uuid': who a pack belongs to (random, made here once).
// - human_labels.uuid / label_flags.uuid: a label's identity across files, so that merging
//   a pack twice adds nothing; NULL for labels imported with data or made before v6.
//   `pack` is the pack (UUID) a merged label or flag came from ('' when made here).
// - packs / pack_instances: what the lead handed out, to whom, and what came back. status
//   'out' until the first merge ('returned'), or 'reissued' when the lead gave its
//   instances to someone else.
const char *const kV6 = R"SQL(
INSERT OR IGNORE INTO project_meta(key, value) SELECT 'project_uuid',
  substr(u, 1, 8) || '-' || substr(u, 9, 4) || '-4' || substr(u, 14, 3) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(u, 18, 3) || '-' || substr(u, 21, 12)
  FROM (SELECT lower(hex(randomblob(16))) AS u);
ALTER TABLE human_labels ADD COLUMN uuid TEXT;
ALTER TABLE human_labels ADD COLUMN pack TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX human_labels_uuid ON human_labels(uuid) WHERE uuid IS NOT NULL;
ALTER TABLE label_flags ADD COLUMN uuid TEXT;
ALTER TABLE label_flags ADD COLUMN pack TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX label_flags_uuid ON label_flags(uuid) WHERE uuid IS NOT NULL;
CREATE TABLE packs(
  uuid TEXT PRIMARY KEY,
  annotator TEXT NOT NULL,
  kind TEXT NOT NULL,
  file TEXT NOT NULL DEFAULT '',
  instances INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'out' CHECK(status = 'out' OR status = 'returned' OR status = 'reissued'),
  reissued_to TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  merged_at TEXT,
  merged_labels INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE pack_instances(
  pack TEXT NOT NULL REFERENCES packs(uuid) ON DELETE CASCADE,
  instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  PRIMARY KEY(pack, instance_id)) WITHOUT ROWID;
CREATE INDEX pack_instances_instance ON pack_instances(instance_id);
)SQL";

// Version 7: where a run's reward model was saved (a safetensors file; '' when none).
const char *const kV7 = R"SQL(
ALTER TABLE rm_runs ADD COLUMN model_path TEXT NOT NULL DEFAULT '';
)SQL";

// Version 8: an instance's content hash (split, prompt, responses in canonical order), so
// that importing the same rows again adds nothing (core/storage/importwriter.cpp; NULL for
// rows written before: the next import fills them in).
const char *const kV8 = R"SQL(
ALTER TABLE instances ADD COLUMN content_hash BLOB;
CREATE INDEX instances_content_hash ON instances(content_hash);
)SQL";

// Version 9: a prompt imported as a message list keeps its turns, as canonical JSON
// [{"role","content"},...] ('' for a plain prompt; the prompt column holds the same turns
// as "Role: text" paragraphs, which features, hashes and reward models read).
const char *const kV9 = R"SQL(
ALTER TABLE instance_texts ADD COLUMN prompt_messages TEXT NOT NULL DEFAULT '';
)SQL";

// Version 10: the count mode a fitted PPM expects ('default' | 'reference', issue 20): the
// mode of the datasets it was fitted on. Models fitted before have 'default'.
const char *const kV10 = R"SQL(
ALTER TABLE ppm_models ADD COLUMN count_mode TEXT NOT NULL DEFAULT 'default'
  CHECK(count_mode = 'default' OR count_mode = 'reference');
)SQL";

const char *const kSteps[] = {kV1, kV2, kV3, kV4, kV5, kV6, kV7, kV8, kV9, kV10};

} // namespace

void migrate(sqlite3 *db, int from, int target)
{
    for (int v = from; v < target; ++v) {
        sql::Transaction tx(db);
        sql::exec(db, kSteps[v]);
        const std::string pragmas = "PRAGMA user_version = " + std::to_string(v + 1) + ";"
                                    + "PRAGMA application_id = " + std::to_string(kApplicationId);
        sql::exec(db, pragmas.c_str());
        tx.commit();
    }
}

} // namespace hyper::schema
