// The ERC-20 interface every party speaks to the token (tUSDT): the sandbox deploys and reads it, the runner's
// funder and each flow's wallet transfer it, the suite decodes its Transfer logs. Human-readable ABI (ethers).
export const ERC20_ABI = [
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
] as const;
