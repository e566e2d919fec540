// Fails fast when the pinned toolchain is not the one running the suite.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`Brushwork needs Node 24 (pinned as the "node" devDependency); this is Node ${process.versions.node}.`);
  console.error('Run the suite through `npm test`, which installs the pinned toolchain first.');
  process.exit(1);
}
console.log(`toolchain: node ${process.versions.node}`);
