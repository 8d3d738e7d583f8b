// QR codes through Nayuki's qrcodegen; PNG through libpng.
#include <png.h>

#include <qrcodegen/qrcodegen.hpp>

#include "certs/certs.h"

namespace credence::certs {
namespace {

constexpr int kQuietZone = 4;

Result<qrcodegen::QrCode> Encode(std::string_view text) {
  std::string owned(text);
  if (!qrcodegen::QrSegment::isAlphanumeric(owned.c_str())) {
    return Fail(Error::InvalidArgument("qr", "QR: the text is not QR-alphanumeric"));
  }
  try {
    std::vector<qrcodegen::QrSegment> segments{
        qrcodegen::QrSegment::makeAlphanumeric(owned.c_str())};
    // boostEcl off: the level stays Q as specified, whatever room the version leaves.
    return qrcodegen::QrCode::encodeSegments(segments, qrcodegen::QrCode::Ecc::QUARTILE,
                                             qrcodegen::QrCode::MIN_VERSION,
                                             qrcodegen::QrCode::MAX_VERSION, -1, false);
  } catch (const std::exception& e) {  // qrcodegen reports "data too long" by throwing
    return Fail(Error::InvalidArgument("qr", std::string("QR: ") + e.what()));
  }
}

void AppendToString(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}

}  // namespace

Result<std::string> QrSvg(std::string_view text) {
  CREDENCE_ASSIGN_OR_RETURN(qrcodegen::QrCode qr, Encode(text));
  int size = qr.getSize() + 2 * kQuietZone;
  std::string path;
  for (int y = 0; y < qr.getSize(); ++y) {
    for (int x = 0; x < qr.getSize(); ++x) {
      if (qr.getModule(x, y)) {
        path += "M" + std::to_string(x + kQuietZone) + "," + std::to_string(y + kQuietZone) +
                "h1v1h-1z";
      }
    }
  }
  std::string n = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + n + "\" height=\"" + n +
         "\" fill=\"#fff\"/><path d=\"" + path + "\" fill=\"#000\"/></svg>\n";
}

Result<std::string> QrPng(std::string_view text, int scale) {
  CREDENCE_ASSIGN_OR_RETURN(qrcodegen::QrCode qr, Encode(text));
  int side = (qr.getSize() + 2 * kQuietZone) * scale;
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return Fail(Error::Internal("PNG: libpng failed"));
  }
  png_set_write_fn(png, &out, AppendToString, nullptr);
  png_set_IHDR(png, info, side, side, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  std::vector<png_byte> row(side);
  for (int py = 0; py < side; ++py) {
    int y = py / scale - kQuietZone;
    for (int px = 0; px < side; ++px) {
      int x = px / scale - kQuietZone;
      row[px] = qr.getModule(x, y) ? 0 : 255;  // outside the symbol getModule is false: white
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace credence::certs
