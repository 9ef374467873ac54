// Config of the sandbox's hardhat node (loaded through HARDHAT_CONFIG by node.ts).
// Blocks are mined on every transaction and every SANDBOX_BLOCK_MS, so that
// confirmations accrue while the chain is otherwise idle.
const blockMs = Number(process.env.SANDBOX_BLOCK_MS || 500);
module.exports = {
  networks: {
    hardhat: {
      chainId: Number(process.env.SANDBOX_CHAIN_ID || 31337),
      mining: { auto: true, interval: blockMs },
      accounts: { count: 2 },
      loggingEnabled: false,
    },
  },
};
