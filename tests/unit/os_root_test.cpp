// os/root_path.h, os/root_layout.h, os/boot_entries.h: paths inside a root,
// its layout and machine id, boot entries.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "os/boot_entries.h"
#include "os/root_layout.h"
#include "os/root_path.h"
#include "util/error.h"
#include "util/file.h"
#include "util/temp.h"

using namespace bastion;

namespace {

void mkdirs(const std::string &p) {
  std::string cur;
  std::stringstream ss(p);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (part.empty())
      continue;
    cur += "/" + part;
    ::mkdir(cur.c_str(), 0755);
  }
}

void writeFile(const std::string &p, const std::string &data) {
  std::ofstream(p, std::ios::binary) << data;
}

std::string readFile(const std::string &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

TEST(OsRootPath, AbsoluteLinksStayInTheRoot) {
  util::TempDir d("os-root-");
  std::string r = d.path;
  mkdirs(r + "/nix/store/abc-top/usr/bin");
  mkdirs(r + "/nix/var/nix/profiles");
  util::createSymlink("/nix/store/abc-top", r + "/nix/var/nix/profiles/system-1-link");
  util::createSymlink("system-1-link", r + "/nix/var/nix/profiles/system");
  util::createSymlink("nix/var/nix/profiles/system/usr", r + "/usr");
  util::createSymlink("usr/bin", r + "/bin");
  EXPECT_EQ(os::resolveInRoot(r, "/bin"), r + "/nix/store/abc-top/usr/bin");
  EXPECT_EQ(os::resolveInRoot(r, "/nix/var/nix/profiles/system/usr"), r + "/nix/store/abc-top/usr");
  EXPECT_EQ(os::resolveInRoot(r, "/"), r);
  // ".." and absolute targets never leave the root.
  util::createSymlink("../../../../../..", r + "/up");
  EXPECT_EQ(os::resolveInRoot(r, "/up/nix"), r + "/nix");
  EXPECT_EQ(os::resolveInRoot(r, "/../../nix/store"), r + "/nix/store");
  EXPECT_EQ(os::resolveInRoot(r, "/bin/../../usr"), r + "/nix/store/abc-top/usr");
  EXPECT_EQ(os::resolveInRoot(r, "/missing/x"), std::nullopt);
  EXPECT_EQ(os::resolveInRoot(r, "/bin/missing"), std::nullopt);
  util::createSymlink("/loop2", r + "/loop1");
  util::createSymlink("/loop1", r + "/loop2");
  EXPECT_THROW(os::resolveInRoot(r, "/loop1"), util::Error);
}

TEST(OsRootLayout, LaysOutKeepsMachineIdAndRefusesWhatIsInTheWay) {
  util::TempDir d("os-root-");
  os::RootPaths p = os::rootPaths(d.path + "/r");
  os::checkRootLayout(p);
  os::layOutRoot(p);
  EXPECT_EQ(util::readLink(p.root + "/sbin"), "usr/sbin");
  struct stat st;
  ASSERT_EQ(::stat((p.root + "/tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  std::string id = os::ensureMachineId(p);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id[12], '4');
  EXPECT_EQ(os::ensureMachineId(p), id);
  EXPECT_EQ(readFile(p.machineId), id + "\n");
  // An empty machine-id (as images ship it) is filled in.
  ::unlink(p.machineId.c_str());
  writeFile(p.machineId, "");
  EXPECT_NE(os::ensureMachineId(p), id);
  // Without a generation, /usr is left as it is; with one it points in.
  os::pointUsrAtCurrent(p);
  EXPECT_FALSE(os::resolveInRoot(p.root, "/usr"));
  mkdirs(p.root + "/nix/store/abc-top/usr");
  mkdirs(p.root + "/nix/var/nix/profiles");
  util::createSymlink("/nix/store/abc-top", p.profile);
  os::pointUsrAtCurrent(p);
  EXPECT_EQ(util::readLink(p.root + "/usr"), "nix/store/abc-top/usr");
  // A real directory where a link goes.
  ::unlink((p.root + "/lib64").c_str());
  ::mkdir((p.root + "/lib64").c_str(), 0755);
  EXPECT_THROW(os::checkRootLayout(p), util::Error);
}

TEST(OsBootEntries, KernelAndInitrdWhenTheToplevelHasThem) {
  util::TempDir d("os-root-");
  os::RootPaths p = os::rootPaths(d.path);
  os::layOutRoot(p);
  std::string top = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-system";
  std::string kernelDir = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-linux-6.1";
  mkdirs(p.root + top);
  mkdirs(p.root + kernelDir + "/lib/modules/6.1.0-test");
  writeFile(p.root + kernelDir + "/bzImage", "kernel bytes");
  writeFile(p.root + top + "/initrd-file", "initrd bytes");
  util::createSymlink(kernelDir + "/bzImage", p.root + top + "/kernel");
  util::createSymlink(top + "/initrd-file", p.root + top + "/initrd");
  writeFile(p.root + top + "/nixos-version", "25.11-test\n");
  os::writeBootEntry(p, 7, top, "0123456789abcdef0123456789abcdef");
  std::string e = readFile(p.entries + "/bastion-generation-7.conf");
  std::string kernelEfi = "/efi/bastion/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-linux-6.1-bzImage.efi";
  std::string initrdEfi = "/efi/bastion/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-system-initrd-file.efi";
  EXPECT_NE(e.find("title Bastion\nversion Generation 7 Bastion 25.11-test, Linux Kernel "
                   "6.1.0-test, Built on "),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("\nlinux " + kernelEfi + "\ninitrd " + initrdEfi + "\noptions init=" + top +
                   "/init\nmachine-id 0123456789abcdef0123456789abcdef\n"),
            std::string::npos)
      << e;
  EXPECT_EQ(readFile(p.root + "/boot" + kernelEfi), "kernel bytes");
  EXPECT_EQ(readFile(p.root + "/boot" + initrdEfi), "initrd bytes");
  os::writeLoaderConf(p, 7);
  EXPECT_EQ(readFile(p.loaderConf), "default bastion-generation-7.conf\n");
  os::writeBootEntry(p, 8, top, "0123456789abcdef0123456789abcdef");
  os::removeStaleBootEntries(p, {8});
  EXPECT_NE(::access((p.entries + "/bastion-generation-7.conf").c_str(), F_OK), 0);
  EXPECT_EQ(::access((p.entries + "/bastion-generation-8.conf").c_str(), F_OK), 0);
  EXPECT_EQ(readFile(p.root + "/boot" + kernelEfi), "kernel bytes"); // 8 names it
  os::removeStaleBootEntries(p, {});
  EXPECT_NE(::access((p.root + "/boot" + kernelEfi).c_str(), F_OK), 0);
  EXPECT_NE(::access((p.root + "/boot" + initrdEfi).c_str(), F_OK), 0);
}
