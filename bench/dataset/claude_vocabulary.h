// What the Claude Code dataset draws from (claude_metrics.h): a portable random source and the
// values Claude Code's metrics carry (models and their prices, terminals, machines, time
// zones, languages, releases), following ../shared/fixtures/claude-code/README.md.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace otelite::dataset {

// SplitMix64 with its own distributions: the same numbers on every platform and standard
// library (std:: distributions are implementation-defined), fast, and good enough here.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // A seed derived from several parts, so that each developer and session has its own stream.
  template <typename... Parts>
  static uint64_t Mix(uint64_t first, Parts... rest) {
    uint64_t h = Finalize(first + 0x9e3779b97f4a7c15ULL);
    ((h = Finalize(h ^ (static_cast<uint64_t>(rest) + 0x9e3779b97f4a7c15ULL))), ...);
    return h;
  }

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Finalize(state_);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }
  bool Chance(double p) { return Uniform() < p; }
  double Normal() {  // Box-Muller, one of the pair
    const double u = 1.0 - Uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2 * std::numbers::pi * Uniform());
  }
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }
  int Poisson(double mean) {  // Knuth's method; the means here are small
    const double limit = std::exp(-mean);
    int k = 0;
    for (double p = Uniform(); p > limit; p *= Uniform()) ++k;
    return k;
  }
  int Geometric(double mean) {  // >= 1, with the given mean (> 1)
    const double p = 1.0 / mean;
    return 1 + static_cast<int>(std::floor(std::log(1.0 - Uniform()) / std::log(1.0 - p)));
  }
  size_t Weighted(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    for (size_t i = 0; i + 1 < weights.size(); ++i) {
      if ((x -= weights[i]) < 0) return i;
    }
    return weights.size() - 1;
  }

 private:
  static uint64_t Finalize(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

inline std::string RandomHex(Random& random, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (char& c : out) c = kHex[random.Next() & 15];
  return out;
}

inline std::string RandomUuid(Random&& random) {
  std::string hex = RandomHex(random, 32);
  hex[12] = '4';
  hex[16] = "89ab"[random.Next() & 3];
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}
inline std::string RandomUuid(Random& random) { return RandomUuid(Random(random.Next())); }

namespace vocabulary {

// USD per million tokens.
struct Price {
  double input, output, cache_creation, cache_read;
};

struct Model {
  const char* name;               // on every metric
  const char* long_context_name;  // on cost and tokens with the 1M-token context, or null
  Price price;
  std::string_view switch_to;  // what /model switches to mid-session
};

inline constexpr std::array<Model, 3> kMainModels = {{
    {"claude-opus-4-8", "claude-opus-4-8[1m]", {5, 25, 6.25, 0.5}, "claude-sonnet-4-6"},
    {"claude-sonnet-4-6", "claude-sonnet-4-6[1m]", {3, 15, 3.75, 0.3}, "claude-opus-4-8"},
    {"claude-sonnet-4-5", nullptr, {3, 15, 3.75, 0.3}, "claude-sonnet-4-6"},
}};
inline constexpr std::array<double, 3> kMainModelWeights = {0.5, 0.4, 0.1};
// Background requests (titles, summaries, quick classification).
inline constexpr Model kFastModel = {"claude-haiku-4-5", nullptr, {1, 5, 1.25, 0.1}, ""};

inline const Model& ModelNamed(std::string_view name) {
  for (const Model& m : kMainModels) {
    if (name == m.name) return m;
  }
  return kMainModels[0];
}

inline constexpr std::array<std::string_view, 4> kTokenTypes = {"input", "output", "cacheRead",
                                                                "cacheCreation"};
inline constexpr std::array<std::string_view, 3> kEfforts = {"high", "medium", "low"};
inline constexpr std::array<double, 3> kEffortWeights = {0.55, 0.3, 0.15};
inline constexpr std::array<std::string_view, 3> kStartTypes = {"fresh", "resume", "continue"};
inline constexpr std::array<double, 3> kStartTypeWeights = {0.78, 0.12, 0.10};

inline constexpr std::array<std::string_view, 9> kTerminals = {
    "vscode",  "iTerm.app",    "tmux",           "cursor",          "Apple_Terminal",
    "ghostty", "WarpTerminal", "xterm-256color", "windows-terminal"};
inline constexpr std::array<double, 9> kTerminalWeights = {0.28, 0.2,  0.14, 0.1, 0.07,
                                                           0.06, 0.05, 0.07, 0.03};

struct Machine {
  std::string_view os_type, host_arch;
  std::array<std::string_view, 3> os_versions;
};
inline constexpr std::array<Machine, 4> kMachines = {{
    {"darwin", "arm64", {"24.6.0", "25.0.0", "25.1.0"}},
    {"linux", "amd64", {"6.8.0-87-generic", "6.14.0-35-generic", "6.17.7-arch1-1"}},
    {"linux", "amd64", {"6.6.87.2-microsoft-standard-WSL2", "6.1.0-41-amd64", "6.12.57+deb13"}},
    {"windows", "amd64", {"10.0.26100", "10.0.22631", "10.0.26200"}},
}};
inline constexpr std::array<double, 4> kMachineWeights = {0.58, 0.24, 0.13, 0.05};

struct TimeZone {
  int offset_minutes;
};
inline constexpr std::array<TimeZone, 10> kTimeZones = {
    {{-480}, {-420}, {-360}, {-300}, {0}, {60}, {120}, {330}, {480}, {540}}};
inline constexpr std::array<double, 10> kTimeZoneWeights = {0.18, 0.03, 0.05, 0.14, 0.1,
                                                            0.2,  0.05, 0.12, 0.07, 0.06};

inline constexpr std::array<std::string_view, 12> kLanguages = {
    "TypeScript", "Python", "Go",   "Rust", "Java",     "C++",
    "JavaScript", "Kotlin", "Ruby", "C#",   "Markdown", "Shell"};
inline constexpr std::array<double, 12> kLanguageWeights = {0.24, 0.22, 0.1,  0.06, 0.07, 0.05,
                                                            0.09, 0.03, 0.03, 0.04, 0.04, 0.03};
// Files every project has, edited now and then besides the main languages.
inline constexpr std::array<std::string_view, 4> kOtherLanguages = {"Markdown", "JSON", "YAML",
                                                                    "Plain text"};

inline constexpr std::array<std::string_view, 4> kEditTools = {"Edit", "Write", "MultiEdit",
                                                               "NotebookEdit"};
inline constexpr std::array<double, 4> kEditToolWeights = {0.72, 0.17, 0.09, 0.02};

// Claude Code releases while the dataset runs (auto-update), by day from its start.
struct Release {
  std::string_view version;
  double day;
};
inline constexpr std::array<Release, 5> kReleases = {
    {{"2.1.193", -6}, {"2.1.194", 0.8}, {"2.1.195", 2.9}, {"2.1.196", 4.6}, {"2.1.197", 6.7}}};

inline std::string Email(int index) {
  static constexpr std::array<std::string_view, 40> kFirst = {
      "alice", "bob",    "carla", "dev",    "elena", "farid", "grace", "hiro",    "ines", "jamal",
      "kai",   "lena",   "mateo", "nora",   "omar",  "priya", "quinn", "rosa",    "sami", "tara",
      "uma",   "victor", "wei",   "ximena", "yusuf", "zoe",   "anil",  "beatriz", "chen", "dana",
      "emil",  "fatima", "goran", "hana",   "ivan",  "julia", "kofi",  "lucia",   "mika", "nils"};
  static constexpr std::array<std::string_view, 40> kLast = {
      "smith",    "garcia", "chen",    "muller", "rossi",     "kim",    "nguyen", "silva",
      "kowalski", "haddad", "tanaka",  "okafor", "johansson", "dubois", "patel",  "ivanova",
      "lopez",    "wang",   "schmidt", "brown",  "yilmaz",    "moreau", "sato",   "costa",
      "novak",    "singh",  "fischer", "mendes", "khan",      "larsen", "reyes",  "weber",
      "ali",      "park",   "bianchi", "hughes", "santos",    "becker", "cohen",  "morales"};
  const size_t i = static_cast<size_t>(index);
  const size_t first = i % kFirst.size();
  const size_t last = (i / kFirst.size() + i) % kLast.size();
  const size_t round = i / (kFirst.size() * kLast.size());
  if (round == 0) return fmt::format("{}.{}@example.com", kFirst[first], kLast[last]);
  return fmt::format("{}.{}{}@example.com", kFirst[first], kLast[last], round + 1);
}

}  // namespace vocabulary
}  // namespace otelite::dataset
