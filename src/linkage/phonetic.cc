// Spanish phonetic key for blocking and for the "sounds alike" agreement level of names.
//
// Input is a folded name (lower-case ASCII: á→a, ñ→n, ü→u already done by fold_name). The key
// spells how a Chilean would say it, so that common spelling variants share it:
//   b, v, w            → B        (Vásquez = Básquez, Walter = Balter)
//   c + e/i, s, z      → S        (Cecilia = Sesilia, Sánchez = Sanches; seseo)
//   c + other, k, q(u) → K        (Quiroga = Kiroga, Carlos = Karlos; the u of qu is silent)
//   ch                 → C        (its own sound: Chávez ≠ Cávez)
//   g + e/i, j         → J        (Gimena = Jimena); gu + e/i → G (Guillermo, silent u)
//   ll, y + vowel      → Y        (yeísmo: Llanos = Yanos); y elsewhere is the vowel I (Godoy)
//   h                  → silent   (Hernández = Ernández), except in ch
//   x                  → J at the start before a vowel (Ximena = Jimena), KS elsewhere (Máximo)
//   ph                 → F
//   vowels stay (they carry most of a Spanish name); other consonants map to themselves
//   then runs of the same code collapse to one (Saavedra = Savedra, Ossa = Osa, Guttiérrez).
// Digits and spaces are ignored, so compound names give one key ("San Martín" = "Sanmartin").
#include <cctype>

#include "linkage/internal.h"

namespace eq::linkage::detail {
namespace {

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool front_vowel(char c) { return c == 'e' || c == 'i' || c == 'y'; }

}  // namespace

std::string spanish_phonetic(std::string_view in) {
  std::string s;
  s.reserve(in.size());
  for (char c : in)
    if (c >= 'a' && c <= 'z') s.push_back(c);
  std::string out;
  out.reserve(s.size());
  auto emit = [&](char code) {
    if (out.empty() || out.back() != code) out.push_back(code);
  };
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = s[i];
    const char next = i + 1 < n ? s[i + 1] : 0;
    const char after = i + 2 < n ? s[i + 2] : 0;
    switch (c) {
      case 'a': case 'e': case 'i': case 'o': case 'u':
        emit(static_cast<char>(c - 'a' + 'A'));
        break;
      case 'b': case 'v': case 'w':
        emit('B');
        break;
      case 'c':
        if (next == 'h') {
          emit('C');
          ++i;
        } else if (front_vowel(next)) {
          emit('S');
        } else {
          emit('K');
        }
        break;
      case 'k':
        emit('K');
        break;
      case 'q':
        emit('K');
        if (next == 'u') ++i;
        break;
      case 'g':
        if (front_vowel(next)) {
          emit('J');
        } else if (next == 'u' && front_vowel(after)) {
          emit('G');
          ++i;
        } else {
          emit('G');
        }
        break;
      case 'j':
        emit('J');
        break;
      case 'h':
        break;
      case 'l':
        if (next == 'l') {
          emit('Y');
          ++i;
        } else {
          emit('L');
        }
        break;
      case 'y':
        emit(is_vowel(next) ? 'Y' : 'I');
        break;
      case 's': case 'z':
        emit('S');
        break;
      case 'x':
        if (i == 0 && is_vowel(next)) {
          emit('J');
        } else {
          emit('K');
          emit('S');
        }
        break;
      case 'p':
        if (next == 'h') {
          emit('F');
          ++i;
        } else {
          emit('P');
        }
        break;
      default:
        emit(static_cast<char>(c - 'a' + 'A'));
    }
  }
  return out;
}

uint32_t phonetic_hash(std::string_view folded) {
  const std::string key = spanish_phonetic(folded);
  if (key.empty()) return 0;
  const auto h = static_cast<uint32_t>(hash_string(key) >> 32);
  return h == 0 ? 1 : h;
}

}  // namespace eq::linkage::detail
