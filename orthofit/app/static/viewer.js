// The design page's 3D view: both insoles (STL from the server), coloured by thickness.
import * as THREE from "three";
import { OrbitControls } from "/static/vendor/three-0.187.0/OrbitControls.js";
import { STLLoader } from "/static/vendor/three-0.187.0/STLLoader.js";

const box = document.getElementById("viewer");
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(window.devicePixelRatio);
box.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0xf4f6f9);
const camera = new THREE.PerspectiveCamera(35, 1, 1, 5000);
camera.up.set(0, 0, 1);
camera.position.set(0, -420, 380);
const controls = new OrbitControls(camera, renderer.domElement);
scene.add(new THREE.HemisphereLight(0xffffff, 0x8899aa, 2.2));
const sun = new THREE.DirectionalLight(0xffffff, 1.6);
sun.position.set(-200, -300, 500);
scene.add(sun);
const group = new THREE.Group();
scene.add(group);
const loader = new STLLoader();

function size() {
  const w = box.clientWidth, h = Math.max(320, Math.round(w * 0.62));
  renderer.setSize(w, h);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
}
window.addEventListener("resize", size);
size();

// Colours: "thickness" (height above the floor, pale to deep blue), or "zones" (each vertex
// takes the infill of the last stiffness zone over it, as a slicer applies its modifiers:
// pale orange sparse to deep orange dense; infill runs 5-100 %, clinical profiles use 10-40 %).
const SPARSE = new THREE.Color(0xfde2c0), DENSE = new THREE.Color(0xb34700), PLAIN = new THREE.Color(0xc9d6e2);

function colour(mesh) {
  const geometry = mesh.geometry;
  const z = geometry.attributes.position;
  const colours = new Float32Array(z.count * 3);
  const zonesOn = document.getElementById("zones").checked;
  const thickness = document.getElementById("colour").checked;
  let top = 1;
  for (let i = 0; i < z.count; i++) top = Math.max(top, z.getZ(i));
  const low = new THREE.Color(0xcfe3f1), high = new THREE.Color(0x1f5f8b), c = new THREE.Color();
  const zones = mesh.userData.zones || [];
  for (let i = 0; i < z.count; i++) {
    if (zonesOn) {
      const x = z.getX(i), y = z.getY(i);
      let infill = null;
      for (const zone of zones) {
        const b = zone.box;
        if (x >= b.min.x && x <= b.max.x && y >= b.min.y && y <= b.max.y) infill = zone.infill_pct;
      }
      if (infill === null) c.copy(PLAIN); else c.copy(SPARSE).lerp(DENSE, Math.min(1, infill / 40));
    } else {
      c.copy(low).lerp(high, thickness ? Math.min(1, z.getZ(i) / top) : 0.35);
    }
    colours.set([c.r, c.g, c.b], 3 * i);
  }
  geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
}

async function load(token, sides, zones) {
  const meshes = await Promise.all(sides.map(async (side) => {
    const geometry = await loader.loadAsync(`/previews/${token}/${side}.stl`);
    // The zones' volumes, as boxes in the insole's own frame (only their plan extent is used).
    const boxes = await Promise.all((zones[side] || []).map(async (z, i) => {
      const g = await loader.loadAsync(`/previews/${token}/${side}-zone${i}.stl`);
      g.computeBoundingBox();
      return { infill_pct: z.infill_pct, box: g.boundingBox };
    }));
    const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.8 }));
    mesh.userData = { side, zones: boxes };
    colour(mesh);
    return mesh;
  }));
  group.clear();
  // Side by side, toes up the screen: the library's frame has toes toward +x.
  meshes.forEach((mesh) => {
    mesh.rotation.z = Math.PI / 2;
    mesh.position.x = mesh.userData.side === "left" ? -70 : 70;
    mesh.position.y = -140;
    group.add(mesh);
  });
  box.dataset.loaded = `${token}:${sides.join(",")}`;  // the browser tests wait for this
}

document.getElementById("zones").addEventListener("change", () => group.children.forEach(colour));

document.getElementById("colour").addEventListener("change", () => group.children.forEach(colour));

document.body.addEventListener("htmx:afterSwap", (e) => {
  if (e.detail.target.id !== "preview") return;
  const data = document.getElementById("stl-data");
  if (!data) return;
  const sides = JSON.parse(data.dataset.params);
  const zones = Object.fromEntries(Object.entries(sides).map(([side, d]) => [side, d.zones || []]));
  load(data.dataset.token, data.dataset.sides.split(","), zones);
  // Each empty control shows the value the profile and the rules give (left / right when they differ).
  document.querySelectorAll("#design-form input[name^='p.']").forEach((input) => {
    const name = input.name.slice(2);
    const values = Object.values(sides).map((d) => d.params[name]).filter((v) => v !== undefined);
    const shown = [...new Set(values.map((v) => String(Math.round(v * 100) / 100)))];
    input.placeholder = shown.length ? shown.join(" / ") : "rule";
  });
});

renderer.setAnimationLoop(() => { controls.update(); renderer.render(scene, camera); });
