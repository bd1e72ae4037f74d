// Helpers for the renderer's tests: frames built by hand, panels from JSON text, PNG decoding and
// pixel access.
#pragma once

#include <cairo.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dashboards/frames.h"
#include "dashboards/panel_query.h"
#include "render/render.h"

namespace otelite::render::testing {

inline rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// The time range the tests draw: 6 hours from 2023-11-14 22:13:20 UTC (ms).
constexpr double kFrom = 1700000000000;
constexpr double kTo = kFrom + 6 * 3600 * 1000.0;

// A panel's data over [kFrom, kTo].
inline dashboards::PanelResult PanelData(std::vector<dashboards::Frame> frames) {
  dashboards::PanelResult r;
  r.from_ms = static_cast<int64_t>(kFrom);
  r.to_ms = static_cast<int64_t>(kTo);
  r.frames = std::move(frames);
  return r;
}

// `n` times evenly spread over [kFrom, kTo].
inline std::vector<double> Times(int n) {
  std::vector<double> t;
  for (int i = 0; i < n; ++i) t.push_back(kFrom + (kTo - kFrom) * i / (n - 1));
  return t;
}

// A time series frame: Time (ms) and one Value field named by `name` (displayNameFromDS).
inline dashboards::Frame SeriesFrame(const std::string& name, const std::vector<double>& times,
                                     const std::vector<double>& values) {
  dashboards::Frame f;
  f.ref_id = "A";
  f.name = name;
  f.meta_type = "timeseries-multi";
  dashboards::Field t;
  t.name = "Time";
  t.type = dashboards::FieldType::kTime;
  for (double x : times) t.values.emplace_back(x);
  dashboards::Field v;
  v.name = "Value";
  v.type = dashboards::FieldType::kNumber;
  v.config.display_name_from_ds = name;
  for (double x : values) v.values.emplace_back(x);
  f.fields.push_back(std::move(t));
  f.fields.push_back(std::move(v));
  return f;
}

// An instant result: one row.
inline dashboards::Frame NumberFrame(const std::string& name, double value, double t = 1.7e12) {
  dashboards::Frame f = SeriesFrame(name, {t}, {value});
  f.meta_type = "numeric-multi";
  return f;
}

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint32_t> pixels;  // ARGB32 (premultiplied; opaque images here)

  uint32_t At(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
  int R(int x, int y) const { return (At(x, y) >> 16) & 0xFF; }
  int G(int x, int y) const { return (At(x, y) >> 8) & 0xFF; }
  int B(int x, int y) const { return At(x, y) & 0xFF; }
  // Whether the pixel is within `tol` of #rrggbb on every channel.
  bool Near(int x, int y, uint32_t rgb, int tol = 24) const {
    return std::abs(R(x, y) - static_cast<int>((rgb >> 16) & 0xFF)) <= tol &&
           std::abs(G(x, y) - static_cast<int>((rgb >> 8) & 0xFF)) <= tol &&
           std::abs(B(x, y) - static_cast<int>(rgb & 0xFF)) <= tol;
  }
};

struct PngReader {
  const std::string* data;
  size_t pos = 0;
};

inline cairo_status_t ReadPng(void* closure, unsigned char* out, unsigned int length) {
  auto* r = static_cast<PngReader*>(closure);
  if (r->pos + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(out, r->data->data() + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

inline Image Decode(const std::string& png) {
  PngReader reader{&png};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(ReadPng, &reader);
  Image img;
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    ADD_FAILURE() << "not a PNG: " << cairo_status_to_string(cairo_surface_status(s));
    cairo_surface_destroy(s);
    return img;
  }
  cairo_surface_flush(s);
  img.width = cairo_image_surface_get_width(s);
  img.height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  img.pixels.resize(static_cast<size_t>(img.width) * img.height);
  for (int y = 0; y < img.height; ++y) {
    std::memcpy(&img.pixels[static_cast<size_t>(y) * img.width],
                data + static_cast<size_t>(y) * stride, static_cast<size_t>(img.width) * 4);
  }
  cairo_surface_destroy(s);
  return img;
}

inline Image RenderPanel(const std::string& panel_json, const dashboards::PanelResult& data,
                         const RenderOptions& options = {},
                         std::vector<std::string>* warnings = nullptr) {
  rapidjson::Document panel = Json(panel_json);
  Result<std::string> png = RenderPanelPng(panel, data, options, warnings);
  EXPECT_TRUE(png.ok()) << png.status().ToString();
  if (!png.ok()) return {};
  return Decode(*png);
}

}  // namespace otelite::render::testing
