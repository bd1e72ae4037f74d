// `otelite setup claude-code`: the variables, the settings.json merge, the shell rc block, and
// the file handling (backup, idempotency, refusal, dry run), each test in its own temp directory.
#include "cli/setup_claude_code.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace otelite::cli {
namespace {

namespace fs = std::filesystem;

std::string Value(const ClaudeCodeEnv& env, const std::string& name) {
  for (const EnvVar& var : env.set) {
    if (var.name == name) return var.value;
  }
  return "<unset>";
}

ClaudeCodeEnv EnvFor(const SetupOptions& options) {
  Result<ClaudeCodeEnv> env = ComputeClaudeCodeEnv(options);
  EXPECT_TRUE(env.ok()) << env.status().ToString();
  return env.ok() ? *env : ClaudeCodeEnv{};
}

ClaudeCodeEnv DefaultEnv() { return EnvFor(SetupOptions{}); }

// ---- variables ----------------------------------------------------------------------------

TEST(SetupEnv, GrpcDefaultsInDisplayOrder) {
  const ClaudeCodeEnv env = DefaultEnv();
  const std::vector<EnvVar> want = {
      {"CLAUDE_CODE_ENABLE_TELEMETRY", "1"},
      {"OTEL_METRICS_EXPORTER", "otlp"},
      {"OTEL_LOGS_EXPORTER", "otlp"},
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"},
      {"OTEL_METRIC_EXPORT_INTERVAL", "10000"},
      {"OTEL_LOGS_EXPORT_INTERVAL", "5000"},
      {"OTEL_METRICS_INCLUDE_SESSION_ID", "true"},
      {"OTEL_LOG_TOOL_DETAILS", "1"},
      {"OTEL_LOG_USER_PROMPTS", "1"},
  };
  EXPECT_EQ(env.set, want);
  EXPECT_TRUE(env.unset.empty());
}

TEST(SetupEnv, HttpProtocolsUseTheHttpPort) {
  for (const char* protocol : {"http/protobuf", "http/json"}) {
    SetupOptions options;
    options.protocol = protocol;
    const ClaudeCodeEnv env = EnvFor(options);
    EXPECT_EQ(Value(env, "OTEL_EXPORTER_OTLP_PROTOCOL"), protocol);
    EXPECT_EQ(Value(env, "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://127.0.0.1:4318") << protocol;
  }
}

TEST(SetupEnv, HostPortsIntervalsAndEndpointFlags) {
  SetupOptions options;
  options.host = "otelite.lan";
  options.grpc_port = 14317;
  options.metric_export_interval_ms = 60000;
  options.logs_export_interval_ms = 1000;
  ClaudeCodeEnv env = EnvFor(options);
  EXPECT_EQ(Value(env, "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://otelite.lan:14317");
  EXPECT_EQ(Value(env, "OTEL_METRIC_EXPORT_INTERVAL"), "60000");
  EXPECT_EQ(Value(env, "OTEL_LOGS_EXPORT_INTERVAL"), "1000");

  options.host = "::1";
  options.protocol = "http/json";
  options.http_port = 14318;
  EXPECT_EQ(Value(EnvFor(options), "OTEL_EXPORTER_OTLP_ENDPOINT"), "http://[::1]:14318");

  options.endpoint = "https://collector.example:443";
  EXPECT_EQ(Value(EnvFor(options), "OTEL_EXPORTER_OTLP_ENDPOINT"), "https://collector.example:443");
}

TEST(SetupEnv, NoPromptsUnsetsThePromptVariable) {
  SetupOptions options;
  options.include_prompts = false;
  const ClaudeCodeEnv env = EnvFor(options);
  EXPECT_EQ(Value(env, "OTEL_LOG_USER_PROMPTS"), "<unset>");
  EXPECT_EQ(env.unset, std::vector<std::string>{"OTEL_LOG_USER_PROMPTS"});
  EXPECT_NE(ExportLines(env).find("unset OTEL_LOG_USER_PROMPTS\n"), std::string::npos);
}

TEST(SetupEnv, BadFlagsAreRefusedByName) {
  struct Case {
    void (*change)(SetupOptions*);
    const char* flag;
  };
  const Case cases[] = {
      {[](SetupOptions* o) { o->protocol = "http"; }, "--protocol"},
      {[](SetupOptions* o) { o->grpc_port = 0; }, "--grpc-port"},
      {[](SetupOptions* o) { o->http_port = 70000; }, "--http-port"},
      {[](SetupOptions* o) { o->metric_export_interval_ms = 0; }, "--metric-export-interval"},
      {[](SetupOptions* o) { o->logs_export_interval_ms = -5; }, "--logs-export-interval"},
      {[](SetupOptions* o) { o->endpoint = "localhost:4317"; }, "--endpoint"},
      {[](SetupOptions* o) { o->endpoint = "http://a b"; }, "--endpoint"},
      {[](SetupOptions* o) { o->host = "a/b"; }, "--host"},
  };
  for (const Case& c : cases) {
    SetupOptions options;
    c.change(&options);
    Result<ClaudeCodeEnv> env = ComputeClaudeCodeEnv(options);
    ASSERT_FALSE(env.ok()) << c.flag;
    EXPECT_EQ(env.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(env.status().message().rfind(c.flag, 0), 0u) << env.status().message();
  }
}

TEST(SetupEnv, ExportLinesQuoteOnlyWhenNeeded) {
  ClaudeCodeEnv env;
  env.set = {{"A", "http://127.0.0.1:4317"}, {"B", "x y"}, {"C", "it's"}, {"D", ""}};
  EXPECT_EQ(ExportLines(env),
            "export A=http://127.0.0.1:4317\n"
            "export B='x y'\n"
            "export C='it'\\''s'\n"
            "export D=''\n");
}

// ---- settings.json text -------------------------------------------------------------------

TEST(SetupJson, MergeKeepsOtherKeysOrderAndNumberSpelling) {
  const std::string existing = R"json({
    "model": "opus",
    "env": {"FOO": "bar", "OTEL_METRICS_EXPORTER": "console", "OTEL_METRIC_EXPORT_INTERVAL": 1000, "ZED": "z"},
    "permissions": {"allow": ["Bash(ls:*)"], "deny": []},
    "cleanupPeriodDays": 30, "ratio": 1.50, "sci": 1e3, "big": 123456789012345678901234567890,
    "text": "caf\u00e9 \"q\" \n", "nothing": null, "yes": true
})json";
  Result<TextEdit> merged = MergeIntoSettingsJson(existing, DefaultEnv());
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_TRUE(merged->changed);
  EXPECT_EQ(merged->text, R"json({
  "model": "opus",
  "env": {
    "FOO": "bar",
    "OTEL_METRICS_EXPORTER": "otlp",
    "OTEL_METRIC_EXPORT_INTERVAL": "10000",
    "ZED": "z",
    "CLAUDE_CODE_ENABLE_TELEMETRY": "1",
    "OTEL_LOGS_EXPORTER": "otlp",
    "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4317",
    "OTEL_LOGS_EXPORT_INTERVAL": "5000",
    "OTEL_METRICS_INCLUDE_SESSION_ID": "true",
    "OTEL_LOG_TOOL_DETAILS": "1",
    "OTEL_LOG_USER_PROMPTS": "1"
  },
  "permissions": {
    "allow": [
      "Bash(ls:*)"
    ],
    "deny": []
  },
  "cleanupPeriodDays": 30,
  "ratio": 1.50,
  "sci": 1e3,
  "big": 123456789012345678901234567890,
  "text": "café \"q\" \n",
  "nothing": null,
  "yes": true
}
)json");
  // Merging the result again changes nothing.
  Result<TextEdit> again = MergeIntoSettingsJson(merged->text, DefaultEnv());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->text, merged->text);
}

TEST(SetupJson, FormattingAloneIsNotAChange) {
  Result<TextEdit> first = MergeIntoSettingsJson(std::nullopt, DefaultEnv());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->changed);
  // The same content on one line, as another tool might have written it.
  std::string compact;
  for (char c : first->text) {
    if (c != '\n') compact += c;
  }
  Result<TextEdit> second = MergeIntoSettingsJson(compact, DefaultEnv());
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->changed);
}

TEST(SetupJson, MissingOrBlankFileGetsAnEnvObject) {
  for (std::optional<std::string_view> existing :
       {std::optional<std::string_view>(), std::optional<std::string_view>(" \n"),
        std::optional<std::string_view>("{}")}) {
    Result<TextEdit> merged = MergeIntoSettingsJson(existing, DefaultEnv());
    ASSERT_TRUE(merged.ok());
    EXPECT_TRUE(merged->changed);
    EXPECT_EQ(
        merged->text.rfind("{\n  \"env\": {\n    \"CLAUDE_CODE_ENABLE_TELEMETRY\": \"1\",", 0), 0u)
        << merged->text;
    EXPECT_EQ(merged->text.back(), '\n');
  }
}

TEST(SetupJson, NoPromptsErasesThePromptVariableInPlace) {
  SetupOptions options;
  options.include_prompts = false;
  const std::string existing = R"({"env": {"A": "1", "OTEL_LOG_USER_PROMPTS": "1", "B": "2"}})";
  Result<TextEdit> merged = MergeIntoSettingsJson(existing, EnvFor(options));
  ASSERT_TRUE(merged.ok());
  EXPECT_TRUE(merged->changed);
  EXPECT_EQ(merged->text.find("OTEL_LOG_USER_PROMPTS"), std::string::npos);
  EXPECT_LT(merged->text.find("\"A\""), merged->text.find("\"B\""));
  EXPECT_LT(merged->text.find("\"B\""), merged->text.find("CLAUDE_CODE_ENABLE_TELEMETRY"));
}

TEST(SetupJson, EditsTheKeyJsonParseWouldRead) {
  // JSON.parse keeps the last duplicate, so the last "env" and every duplicate variable change.
  const std::string existing =
      R"({"env": {"X": "first"}, "env": {"OTEL_LOGS_EXPORTER": "a", "OTEL_LOGS_EXPORTER": "b"}})";
  Result<TextEdit> merged = MergeIntoSettingsJson(existing, DefaultEnv());
  ASSERT_TRUE(merged.ok());
  EXPECT_NE(merged->text.find("\"X\": \"first\""), std::string::npos);
  EXPECT_EQ(merged->text.find("\"a\""), std::string::npos);
  EXPECT_EQ(merged->text.find("\"b\""), std::string::npos);
  EXPECT_EQ(merged->text.find("CLAUDE_CODE_ENABLE_TELEMETRY"),
            merged->text.rfind("CLAUDE_CODE_ENABLE_TELEMETRY"));
}

TEST(SetupJson, RefusesWhatItCannotEditSafely) {
  const char* bad[] = {"{\"env\": {}", "{\"a\": 1,}",          "// comment\n{}",     "[1, 2]",
                       "\"text\"",     "{\"env\": [\"A=1\"]}", "{\"env\": \"A=1\"}", "{} {}"};
  for (const char* text : bad) {
    Result<TextEdit> merged = MergeIntoSettingsJson(std::string_view(text), DefaultEnv());
    ASSERT_FALSE(merged.ok()) << text;
    EXPECT_EQ(merged.status().code(), StatusCode::kInvalidArgument);
  }
  Result<TextEdit> merged =
      MergeIntoSettingsJson(std::string_view("{\n  \"a\": 1,\n}"), DefaultEnv());
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("line 3"), std::string::npos)
      << merged.status().message();
}

// ---- shell rc text ------------------------------------------------------------------------

TEST(SetupRc, BlockIsAppendedThenReplacedNotDuplicated) {
  const std::string before = "alias ll='ls -l'\nexport PATH=$HOME/bin:$PATH";  // no final newline
  Result<TextEdit> first = UpdateShellRcText(before, DefaultEnv());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->changed);
  EXPECT_EQ(first->text, before + "\n\n" + ShellRcBlock(DefaultEnv()));

  Result<TextEdit> same = UpdateShellRcText(first->text, DefaultEnv());
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed);
  EXPECT_EQ(same->text, first->text);

  // Lines after the block stay after it; the block is replaced where it is.
  SetupOptions options;
  options.protocol = "http/protobuf";
  const std::string with_tail = first->text + "export EDITOR=vim\n";
  Result<TextEdit> replaced = UpdateShellRcText(with_tail, EnvFor(options));
  ASSERT_TRUE(replaced.ok());
  EXPECT_TRUE(replaced->changed);
  EXPECT_EQ(replaced->text,
            before + "\n\n" + ShellRcBlock(EnvFor(options)) + "export EDITOR=vim\n");
  size_t first_block = replaced->text.find(kShellBlockBegin);
  EXPECT_EQ(replaced->text.find(kShellBlockBegin, first_block + 1), std::string::npos);
}

TEST(SetupRc, EmptyFileGetsJustTheBlockAndDuplicatesCollapse) {
  Result<TextEdit> fresh = UpdateShellRcText("", DefaultEnv());
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->text, ShellRcBlock(DefaultEnv()));

  const std::string stale =
      std::string(kShellBlockBegin) + "\nexport OLD=1\n" + std::string(kShellBlockEnd) + "\n";
  Result<TextEdit> collapsed = UpdateShellRcText("a\n" + stale + "b\n" + stale, DefaultEnv());
  ASSERT_TRUE(collapsed.ok());
  EXPECT_EQ(collapsed->text, "a\n" + ShellRcBlock(DefaultEnv()) + "b\n");
}

TEST(SetupRc, BrokenMarkersAreRefused) {
  const std::string begin = std::string(kShellBlockBegin) + "\n";
  const std::string end = std::string(kShellBlockEnd) + "\n";
  for (const std::string& text :
       {"a\n" + begin + "export X=1\n", end + "a\n", begin + begin + end}) {
    Result<TextEdit> updated = UpdateShellRcText(text, DefaultEnv());
    EXPECT_FALSE(updated.ok()) << text;
  }
}

// ---- diff ---------------------------------------------------------------------------------

TEST(SetupDiff, ShowsChangedLinesWithContext) {
  const std::string old_text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
  const std::string new_text = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13\n";
  EXPECT_EQ(UnifiedDiff(old_text, new_text, "a", "b"),
            "--- a\n+++ b\n"
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
            "@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n");
  EXPECT_EQ(UnifiedDiff("", "x\n", "/dev/null", "f"),
            "--- /dev/null\n+++ f\n@@ -0,0 +1,1 @@\n+x\n");
  EXPECT_EQ(UnifiedDiff("a\n", "a\n", "x", "y"), "");
}

// ---- files --------------------------------------------------------------------------------

class SetupRun : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "otelite-setup-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    settings_ = (dir_ / ".claude" / "settings.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  int Run(SetupOptions options) {
    out_.str("");
    err_.str("");
    return RunSetupClaudeCode(options, out_, err_);
  }
  SetupOptions WriteSettings() const {
    SetupOptions options;
    options.write_settings = true;
    options.settings_path = settings_;
    return options;
  }
  static std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  // Every file in the directory of `path`, by name.
  static std::vector<std::string> FilesBeside(const fs::path& path) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path.parent_path())) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  static int CountBackups(const fs::path& path) {
    int count = 0;
    for (const std::string& name : FilesBeside(path)) {
      count += name.rfind(path.filename().string() + ".bak-", 0) == 0;
    }
    return count;
  }

  fs::path dir_;
  std::string settings_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(SetupRun, DefaultPrintsExportLinesAndHowToApply) {
  SetupOptions options;
  options.protocol = "http/json";
  EXPECT_EQ(Run(options), 0);
  const std::string out = out_.str();
  EXPECT_NE(out.find("export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n"),
            std::string::npos);
  EXPECT_NE(out.find("otelite setup claude-code --protocol http/json --write"), std::string::npos);
  // Every line is shell: an export or a comment, so the output can be eval'ed.
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.empty() || line[0] == '#' || line.rfind("export ", 0) == 0) << line;
  }
  EXPECT_TRUE(err_.str().empty());
}

TEST_F(SetupRun, WriteCreatesMissingFileAndDirectoryWithoutBackup) {
  ASSERT_EQ(Run(WriteSettings()), 0) << err_.str();
  EXPECT_NE(out_.str().find("created " + settings_), std::string::npos) << out_.str();
  Result<TextEdit> expected = MergeIntoSettingsJson(std::nullopt, DefaultEnv());
  EXPECT_EQ(Read(settings_), expected->text);
  EXPECT_EQ(FilesBeside(settings_), std::vector<std::string>{"settings.json"});
}

TEST_F(SetupRun, WriteBacksUpOnceAndIsIdempotent) {
  const std::string original = "{\n    \"theme\": \"dark\",\n    \"env\": {\"FOO\": \"bar\"}\n}\n";
  Write(settings_, original);
  ::chmod(settings_.c_str(), 0600);

  ASSERT_EQ(Run(WriteSettings()), 0) << err_.str();
  EXPECT_NE(out_.str().find("updated " + settings_ + " (backup: " + settings_ + ".bak-"),
            std::string::npos)
      << out_.str();
  const std::string written = Read(settings_);
  EXPECT_EQ(written.rfind("{\n  \"theme\": \"dark\",\n  \"env\": {\n    \"FOO\": \"bar\",", 0), 0u)
      << written;
  ASSERT_EQ(CountBackups(settings_), 1);
  for (const std::string& name : FilesBeside(settings_)) {
    if (name != "settings.json") {
      EXPECT_EQ(Read(fs::path(settings_).parent_path() / name), original);
    }
  }
  struct stat info;
  ASSERT_EQ(::stat(settings_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  ASSERT_EQ(Run(WriteSettings()), 0) << err_.str();
  EXPECT_NE(out_.str().find("already up to date"), std::string::npos) << out_.str();
  EXPECT_EQ(Read(settings_), written);
  EXPECT_EQ(CountBackups(settings_), 1);
}

TEST_F(SetupRun, BackupsInTheSameSecondDoNotOverwriteEachOther) {
  Write(settings_, "{}");
  ASSERT_EQ(Run(WriteSettings()), 0);
  SetupOptions other = WriteSettings();
  other.protocol = "http/protobuf";
  ASSERT_EQ(Run(other), 0);
  EXPECT_EQ(CountBackups(settings_), 2);
}

TEST_F(SetupRun, InvalidJsonIsRefusedAndLeftUntouched) {
  const std::string broken = "{\n  \"theme\": \"dark\",\n  \"env\": {\n}\n";
  Write(settings_, broken);
  EXPECT_EQ(Run(WriteSettings()), 1);
  const std::string err = err_.str();
  EXPECT_NE(err.find(settings_ + ": not valid JSON"), std::string::npos) << err;
  EXPECT_NE(err.find("left unchanged"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(Read(settings_), broken);
  EXPECT_EQ(FilesBeside(settings_), std::vector<std::string>{"settings.json"});

  Write(settings_, R"({"env": ["not", "an", "object"]})");
  EXPECT_EQ(Run(WriteSettings()), 1);
  EXPECT_NE(err_.str().find("\"env\" is not a JSON object"), std::string::npos) << err_.str();
  EXPECT_EQ(FilesBeside(settings_), std::vector<std::string>{"settings.json"});
}

TEST_F(SetupRun, NothingIsWrittenWhenOneOfTwoEditsIsInvalid) {
  const fs::path rc = dir_ / ".bashrc";
  Write(rc, std::string(kShellBlockBegin) + "\n");  // no end marker
  SetupOptions options = WriteSettings();
  options.shell_rc_path = rc.string();
  EXPECT_EQ(Run(options), 1);
  EXPECT_NE(err_.str().find(rc.string() + ": line 1"), std::string::npos) << err_.str();
  EXPECT_FALSE(fs::exists(settings_));
}

TEST_F(SetupRun, DryRunShowsADiffAndWritesNothing) {
  const std::string original = "{\n  \"env\": {\n    \"OTEL_LOGS_EXPORTER\": \"none\"\n  }\n}\n";
  Write(settings_, original);
  const fs::path rc = dir_ / ".zshrc";
  SetupOptions options = WriteSettings();
  options.shell_rc_path = rc.string();
  options.dry_run = true;
  ASSERT_EQ(Run(options), 0) << err_.str();
  const std::string out = out_.str();
  EXPECT_NE(out.find("--- " + settings_ + "\n+++ " + settings_ + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("-    \"OTEL_LOGS_EXPORTER\": \"none\"\n"), std::string::npos) << out;
  EXPECT_NE(out.find("+    \"OTEL_LOGS_EXPORTER\": \"otlp\",\n"), std::string::npos) << out;
  EXPECT_NE(out.find("--- /dev/null\n+++ " + rc.string() + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("+export CLAUDE_CODE_ENABLE_TELEMETRY=1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("dry run: nothing was written"), std::string::npos) << out;
  EXPECT_EQ(Read(settings_), original);
  EXPECT_EQ(FilesBeside(settings_), std::vector<std::string>{"settings.json"});
  EXPECT_FALSE(fs::exists(rc));
}

TEST_F(SetupRun, ShellRcIsAppendedThenReplacedWithBackups) {
  const fs::path rc = dir_ / ".bashrc";
  Write(rc, "alias ll='ls -l'\n");
  SetupOptions options;
  options.shell_rc_path = rc.string();
  ASSERT_EQ(Run(options), 0) << err_.str();
  EXPECT_EQ(Read(rc), "alias ll='ls -l'\n\n" + ShellRcBlock(DefaultEnv()));
  EXPECT_EQ(CountBackups(rc), 1);

  ASSERT_EQ(Run(options), 0);
  EXPECT_NE(out_.str().find("already up to date"), std::string::npos);
  EXPECT_EQ(CountBackups(rc), 1);

  options.include_prompts = false;
  ASSERT_EQ(Run(options), 0);
  SetupOptions no_prompts;
  no_prompts.include_prompts = false;
  EXPECT_EQ(Read(rc), "alias ll='ls -l'\n\n" + ShellRcBlock(EnvFor(no_prompts)));
  EXPECT_EQ(CountBackups(rc), 2);
}

TEST_F(SetupRun, SymlinkedSettingsStayASymlink) {
  const fs::path target = dir_ / "dotfiles" / "claude-settings.json";
  Write(target, "{}\n");
  fs::create_directories(fs::path(settings_).parent_path());
  fs::create_symlink(target, settings_);
  ASSERT_EQ(Run(WriteSettings()), 0) << err_.str();
  EXPECT_TRUE(fs::is_symlink(settings_));
  EXPECT_NE(Read(target).find("CLAUDE_CODE_ENABLE_TELEMETRY"), std::string::npos);
}

TEST_F(SetupRun, SettingsWithoutWriteIsAnError) {
  SetupOptions options;
  options.settings_path = settings_;
  EXPECT_EQ(Run(options), 1);
  EXPECT_NE(err_.str().find("--settings"), std::string::npos);
}

TEST_F(SetupRun, DefaultSettingsPathFollowsClaudeConfigDirThenHome) {
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home ? old_home : "";
  ::unsetenv("CLAUDE_CONFIG_DIR");
  ::setenv("HOME", dir_.c_str(), 1);
  Result<std::string> from_home = DefaultSettingsPath();
  ::setenv("CLAUDE_CONFIG_DIR", (dir_ / "cfg").c_str(), 1);
  Result<std::string> from_config_dir = DefaultSettingsPath();
  ::unsetenv("CLAUDE_CONFIG_DIR");
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1);
  ASSERT_TRUE(from_home.ok());
  EXPECT_EQ(*from_home, (dir_ / ".claude" / "settings.json").string());
  ASSERT_TRUE(from_config_dir.ok());
  EXPECT_EQ(*from_config_dir, (dir_ / "cfg" / "settings.json").string());
}

TEST_F(SetupRun, RegisteredCommandParsesFlagsAndReportsFailure) {
  CLI::App app("otelite");
  RegisterSetupCommand(&app);
  app.parse(
      "setup claude-code --protocol http/protobuf --no-prompts --write --settings " + settings_,
      false);
  const std::string written = Read(settings_);
  EXPECT_NE(written.find("\"OTEL_EXPORTER_OTLP_PROTOCOL\": \"http/protobuf\""), std::string::npos);
  EXPECT_NE(written.find("http://127.0.0.1:4318"), std::string::npos);
  EXPECT_EQ(written.find("OTEL_LOG_USER_PROMPTS"), std::string::npos);

  CLI::App failing("otelite");
  RegisterSetupCommand(&failing);
  try {
    failing.parse("setup claude-code --protocol carrier-pigeon", false);
    ADD_FAILURE() << "expected CLI::RuntimeError";
  } catch (const CLI::RuntimeError& error) {
    EXPECT_EQ(error.get_exit_code(), 1);
    EXPECT_EQ(failing.exit(error), 1);
  }
}

}  // namespace
}  // namespace otelite::cli
