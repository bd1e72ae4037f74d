// Grafana's panel transformations on data frames, with Grafana's documented semantics
// (https://grafana.com/docs/grafana/latest/panels-visualizations/query-transform-data/
// transform-data/):
//   merge               frames into one table; rows whose values agree on the fields every
//                       frame has are merged into one row, other cells null
//   organize            excludeByName, indexByName (order), renameByName (sets name and
//                       config.displayName)
//   filterFieldsByName  include/exclude {names:[…], pattern:"regex"}
//   reduce              reducers lastNotNull last firstNotNull first sum mean max min count range
//                       delta diff distinctCount; mode seriesToRows (a "Field" column plus one
//                       column per reducer: "Last *", "Total", …) or reduceFields;
//                       includeTimeField; labelsToFields
//   seriesToRows        time series into one frame: Time, Metric, Value, newest first
//   sortBy              sort [{field, desc}] (nulls last)
//   labelsToFields      mode columns (one string column per label; valueLabel names the value
//                       field by a label; keepLabels) or rows (label, value)
//   calculateField      mode reduceRow (reduce {include, reducer}) or binary (binary {left,
//                       operator + - * / % ^, right}); alias; replaceFields
//   joinByField, seriesToColumns
//                       outer (or inner) join on byField (default: the first time field),
//                       sorted by it
// Fields are matched by display name (FieldDisplayName) or by name. A transformation with
// "disabled": true is skipped; an unknown one is skipped with a warning; bad options give a
// warning and leave the frames as they were. Never throws.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashboards/frames.h"

namespace otelite::dashboards {

// Applies `transformations` (the panel's JSON array, or anything else: nothing to do) in order.
std::vector<Frame> ApplyTransformations(std::vector<Frame> frames,
                                        const rapidjson::Value& transformations,
                                        std::vector<std::string>* warnings);

// One reducer over a field's values ("lastNotNull", "sum", …); nullopt when it has no value
// (e.g. mean of no numbers). *known is false for a reducer not listed above.
std::optional<double> ReduceValues(const std::vector<CellValue>& values, std::string_view reducer,
                                   bool* known);
// Grafana's display name of a reducer: "Last *", "Last", "First *", "First", "Total", "Mean",
// "Max", "Min", "Count", "Range", "Delta", "Difference", "Median", "Distinct count", "Change
// count", "Min (above zero)"; the id itself otherwise. The renderer's legends and footers use it
// too.
std::string ReducerDisplayName(std::string_view reducer);

}  // namespace otelite::dashboards
