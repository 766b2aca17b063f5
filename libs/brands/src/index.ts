export {
  loadBrandsConfig,
  parseBrandsConfig,
  type Brand,
  type BrandsConfig,
  type CompetitiveSet,
} from './brands-config.ts';
