// Verifying a clearsigned file (InRelease) with gpgv against a keyring, as
// apt's gpgv method does: the signature must be good and valid (GOODSIG and
// VALIDSIG on gpgv's status channel, no BADSIG/ERRSIG/EXPKEYSIG/REVKEYSIG),
// and only the text the signature covers is returned, so that nothing
// outside the signed block is ever read.
#pragma once

#include <stdexcept>
#include <string>

namespace bastion::pkgs {

struct SignatureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The signed text of `file`; throws SignatureError naming the file and
// gpgv's reason.
std::string verifyClearsigned(const std::string &file, const std::string &keyring);

// The text of a clearsigned message without checking the signature (for a
// file whose hash is already pinned): dash-escaping undone, the armour
// headers and the signature dropped. Throws SignatureError if it is not
// one clearsigned message.
std::string clearsignedText(const std::string &message, const std::string &what);

} // namespace bastion::pkgs
