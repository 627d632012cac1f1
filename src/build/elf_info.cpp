#include "build/elf_info.h"

#include <elf.h>

#include <cstring>
#include <stdexcept>

#include <fcntl.h>

#include "util/error.h"
#include "util/fd.h"
#include "util/io.h"

namespace bastion::build {
namespace {

template <class T> T at(const std::string &data, uint64_t off, const std::string &path) {
  if (off > data.size() || data.size() - off < sizeof(T))
    throw std::runtime_error("ELF file '" + path + "' is truncated");
  T t;
  std::memcpy(&t, data.data() + off, sizeof(T));
  return t;
}

} // namespace

std::optional<ElfInfo> readElfInfo(const std::string &path) {
  util::Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    util::throwSysError("opening '" + path + "'");
  // Peek first: most files of a package are not ELF.
  std::string head(EI_NIDENT, '\0');
  head.resize(util::readFull(fd.get(), head.data(), EI_NIDENT, "reading '" + path + "'"));
  if (head.size() < EI_NIDENT || std::memcmp(head.data(), ELFMAG, SELFMAG) != 0 ||
      head[EI_CLASS] != ELFCLASS64 || head[EI_DATA] != ELFDATA2LSB)
    return std::nullopt;
  std::string data = head + util::readAll(fd.get(), "reading '" + path + "'");
  auto eh = at<Elf64_Ehdr>(data, 0, path);
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
    return std::nullopt;
  ElfInfo info;
  std::optional<Elf64_Phdr> dynamic;
  std::vector<Elf64_Phdr> loads;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    auto ph = at<Elf64_Phdr>(data, eh.e_phoff + uint64_t(i) * eh.e_phentsize, path);
    if (ph.p_type == PT_INTERP) {
      if (ph.p_offset > data.size() || data.size() - ph.p_offset < ph.p_filesz)
        throw std::runtime_error("ELF file '" + path + "' is truncated");
      info.interpreter =
          std::string(data.c_str() + ph.p_offset, strnlen(data.c_str() + ph.p_offset, ph.p_filesz));
    } else if (ph.p_type == PT_DYNAMIC) {
      dynamic = ph;
    } else if (ph.p_type == PT_LOAD) {
      loads.push_back(ph);
    }
  }
  if (!dynamic)
    return std::nullopt;
  // DT_STRTAB is an address; the string offsets are into it.
  auto fileOffset = [&](uint64_t vaddr) -> uint64_t {
    for (auto &l : loads)
      if (vaddr >= l.p_vaddr && vaddr < l.p_vaddr + l.p_filesz)
        return vaddr - l.p_vaddr + l.p_offset;
    throw std::runtime_error("ELF file '" + path + "' has a string table outside its segments");
  };
  std::vector<Elf64_Dyn> dyns;
  uint64_t strtab = 0;
  for (uint64_t off = dynamic->p_offset;
       off + sizeof(Elf64_Dyn) <= dynamic->p_offset + dynamic->p_filesz; off += sizeof(Elf64_Dyn)) {
    auto d = at<Elf64_Dyn>(data, off, path);
    if (d.d_tag == DT_NULL)
      break;
    if (d.d_tag == DT_STRTAB)
      strtab = d.d_un.d_ptr;
    dyns.push_back(d);
  }
  if (!strtab)
    return std::nullopt;
  uint64_t base = fileOffset(strtab);
  auto str = [&](uint64_t off) {
    if (base + off >= data.size())
      throw std::runtime_error("ELF file '" + path + "' is truncated");
    return std::string(data.c_str() + base + off);
  };
  for (auto &d : dyns) {
    if (d.d_tag == DT_NEEDED)
      info.needed.push_back(str(d.d_un.d_val));
    else if (d.d_tag == DT_RPATH)
      info.rpath = str(d.d_un.d_val);
    else if (d.d_tag == DT_RUNPATH)
      info.runpath = str(d.d_un.d_val);
  }
  return info;
}

} // namespace bastion::build
